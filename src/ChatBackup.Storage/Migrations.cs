namespace ChatBackup.Storage;

/// <summary>One schema change, applied once, in version order.</summary>
public sealed record Migration(int Version, string Description, string Sql);

/// <summary>
/// The schema's history. Append only: a released migration is never edited, a change is a new
/// version, so every database reaches the same schema whatever version it started from.
/// </summary>
public static class Migrations
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "operations", """
            CREATE TABLE IF NOT EXISTS chatbackup.operations (
                id          text COLLATE "C" PRIMARY KEY,
                request_key text COLLATE "C" UNIQUE,
                platform    text NOT NULL,
                channel_id  text NOT NULL,
                state       text NOT NULL,
                kind        text NOT NULL,
                version     bigint NOT NULL,
                created_at  timestamptz NOT NULL,
                updated_at  timestamptz NOT NULL,
                expires_at  timestamptz NULL,
                document    jsonb NOT NULL
            );
            CREATE INDEX IF NOT EXISTS operations_conversation_recent
                ON chatbackup.operations (platform, channel_id, created_at DESC, id DESC);
            CREATE INDEX IF NOT EXISTS operations_state_updated
                ON chatbackup.operations (state, updated_at, id);
            """),
        new(2, "operations whose chat is behind", """
            ALTER TABLE chatbackup.operations ADD COLUMN IF NOT EXISTS chat_due boolean NOT NULL DEFAULT false;
            CREATE INDEX IF NOT EXISTS operations_chat_due
                ON chatbackup.operations (updated_at, id) WHERE chat_due;
            """),
    ];
}
