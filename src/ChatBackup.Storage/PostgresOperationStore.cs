using ChatBackup.Core.Chat;
using ChatBackup.Core.Operations;
using Npgsql;
using NpgsqlTypes;

namespace ChatBackup.Storage;

/// <summary>
/// Operations in <c>chatbackup.operations</c>: the whole record as JSON in <c>document</c>, and the
/// columns that queries and conditions need beside it. Every write is one conditional statement,
/// so the database, not this process, decides which of two racing writers wins.
/// </summary>
public sealed class PostgresOperationStore(NpgsqlDataSource dataSource, TimeProvider clock) : IOperationStore
{
    private const string Columns = "document, version";

    public async Task<(Operation Operation, bool Created)> AddAsync(Operation operation, CancellationToken cancellationToken)
    {
        var stored = operation with { Version = 1, UpdatedAt = clock.GetUtcNow() };
        await using var insert = dataSource.CreateCommand(
            """
            INSERT INTO chatbackup.operations
                (id, request_key, platform, channel_id, state, kind, version, created_at, updated_at, expires_at, chat_due, document)
            VALUES (@id, @request_key, @platform, @channel_id, @state, @kind, @version, @created_at, @updated_at, @expires_at, @chat_due, @document)
            ON CONFLICT (request_key) DO NOTHING
            """);
        var p = insert.Parameters;
        p.AddWithValue("id", stored.Id);
        p.Add(new NpgsqlParameter("request_key", NpgsqlDbType.Text) { Value = (object?)stored.RequestKey ?? DBNull.Value });
        p.AddWithValue("platform", stored.Conversation.Platform);
        p.AddWithValue("channel_id", stored.Conversation.ChannelId);
        p.AddWithValue("state", stored.State.ToString());
        p.AddWithValue("kind", stored.Kind.ToString());
        p.AddWithValue("version", stored.Version);
        p.Add(Timestamp("created_at", stored.CreatedAt));
        p.Add(Timestamp("updated_at", stored.UpdatedAt));
        p.Add(Timestamp("expires_at", stored.ExpiresAt));
        p.AddWithValue("chat_due", ChatWorks.IsDue(stored));
        p.Add(Document(stored));

        int inserted;
        try
        {
            inserted = await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new InvalidOperationException($"Operation {stored.Id} exists already.", e);
        }

        if (inserted == 1)
        {
            return (stored, true);
        }

        // The key's first request committed before this statement finished (ON CONFLICT waits for
        // it), so this read, a new statement, sees it.
        await using var existing = dataSource.CreateCommand($"SELECT {Columns} FROM chatbackup.operations WHERE request_key = @request_key");
        existing.Parameters.AddWithValue("request_key", stored.RequestKey!);
        var first = await ReadOneAsync(existing, cancellationToken)
            ?? throw new InvalidOperationException($"Request key {stored.RequestKey} conflicted but no operation holds it.");
        return (first, false);
    }

    public async Task<Operation?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM chatbackup.operations WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        return await ReadOneAsync(command, cancellationToken);
    }

    public async Task<Operation?> TryUpdateAsync(Operation updated, CancellationToken cancellationToken)
    {
        var next = updated with { Version = updated.Version + 1, UpdatedAt = clock.GetUtcNow() };
        await using var command = dataSource.CreateCommand(
            """
            UPDATE chatbackup.operations
            SET state = @state, version = version + 1, updated_at = @updated_at, expires_at = @expires_at, chat_due = @chat_due, document = @document
            WHERE id = @id AND version = @expected AND state = ANY(@allowed_from)
            """);
        var p = command.Parameters;
        p.AddWithValue("id", next.Id);
        p.AddWithValue("expected", updated.Version);
        p.AddWithValue("allowed_from", AllowedFrom(next.State));
        p.AddWithValue("state", next.State.ToString());
        p.Add(Timestamp("updated_at", next.UpdatedAt));
        p.Add(Timestamp("expires_at", next.ExpiresAt));
        p.AddWithValue("chat_due", ChatWorks.IsDue(next));
        p.Add(Document(next));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? next : null;
    }

    public async Task<IReadOnlyList<Operation>> ListRecentAsync(string platform, string channelId, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT {Columns} FROM chatbackup.operations
            WHERE platform = @platform AND channel_id = @channel_id
            ORDER BY created_at DESC, id DESC
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("platform", platform);
        command.Parameters.AddWithValue("channel_id", channelId);
        command.Parameters.AddWithValue("limit", Math.Max(0, limit));
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<Operation>> ListByStateAsync(OperationState state, DateTimeOffset? olderThan, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT {Columns} FROM chatbackup.operations
            WHERE state = @state AND (@older_than::timestamptz IS NULL OR updated_at < @older_than)
            ORDER BY updated_at, id
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("state", state.ToString());
        command.Parameters.Add(Timestamp("older_than", olderThan));
        command.Parameters.AddWithValue("limit", Math.Max(0, limit));
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<Operation>> ListChatDueAsync(DateTimeOffset olderThan, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT {Columns} FROM chatbackup.operations
            WHERE chat_due AND updated_at < @older_than
            ORDER BY updated_at, id
            LIMIT @limit
            """);
        command.Parameters.Add(Timestamp("older_than", olderThan));
        command.Parameters.AddWithValue("limit", Math.Max(0, limit));
        return await ReadAllAsync(command, cancellationToken);
    }

    /// <summary>The states from which <paramref name="target"/> may be reached, so the database can check the move.</summary>
    private static string[] AllowedFrom(OperationState target) =>
        Enum.GetValues<OperationState>().Where(from => from.CanMoveTo(target)).Select(from => from.ToString()).ToArray();

    // timestamptz accepts only UTC offsets from Npgsql; the document keeps the original value.
    private static NpgsqlParameter Timestamp(string name, DateTimeOffset? value) =>
        new(name, NpgsqlDbType.TimestampTz) { Value = value is { } v ? v.ToUniversalTime() : DBNull.Value };

    private static NpgsqlParameter Document(Operation operation) =>
        new("document", NpgsqlDbType.Jsonb) { Value = OperationJson.Serialize(operation) };

    private static async Task<Operation?> ReadOneAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var all = await ReadAllAsync(command, cancellationToken);
        return all.Count == 0 ? null : all[0];
    }

    private static async Task<IReadOnlyList<Operation>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var operations = new List<Operation>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // The column is authoritative for the version: it is what the conditional update compares.
            operations.Add(OperationJson.Deserialize(reader.GetString(0)) with { Version = reader.GetInt64(1) });
        }

        return operations;
    }
}
