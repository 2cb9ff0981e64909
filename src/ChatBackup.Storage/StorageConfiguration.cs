using Microsoft.Extensions.Configuration;
using Npgsql;

namespace ChatBackup.Storage;

/// <summary>Reads and checks <c>ConnectionStrings:ChatBackup</c>, the one switch between in-memory and PostgreSQL storage.</summary>
public static class StorageConfiguration
{
    public const string ConnectionStringName = "ChatBackup";

    public const string Key = "ConnectionStrings:" + ConnectionStringName;

    /// <summary>
    /// The PostgreSQL connection string, or null when none is configured (storage stays in memory).
    /// A value that is not a usable connection string stops start-up with a message naming the key.
    /// </summary>
    public static string? PostgresConnectionString(IConfiguration configuration)
    {
        var value = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(value);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            // Npgsql's messages name the offending keyword, never the password's value.
            throw new InvalidOperationException($"{Key} is not a valid PostgreSQL connection string: {e.Message}", e);
        }

        if (string.IsNullOrWhiteSpace(parsed.Host))
        {
            throw new InvalidOperationException($"{Key} names no Host: set Host=<server>;Database=<db>;Username=<user>;Password=<password>.");
        }

        return value;
    }

    /// <summary>Where a connection string points (<c>host:port/database</c>), for messages that must not show its password.</summary>
    public static string Describe(string connectionString)
    {
        var parsed = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{parsed.Host}:{parsed.Port}/{parsed.Database ?? parsed.Username ?? "(default)"}";
    }
}
