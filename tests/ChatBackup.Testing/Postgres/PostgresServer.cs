using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace ChatBackup.Testing.Postgres;

/// <summary>
/// A private PostgreSQL cluster (initdb + pg_ctl) on a free loopback port, in a temporary
/// directory that is removed on dispose. Trust authentication, no fsync: built for tests only.
/// initdb refuses to run as root, so as root the server runs as the <c>postgres</c> OS user.
/// Missing binaries fail loudly: tests that need PostgreSQL must not pass by skipping.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string NotFoundMessage = "PostgreSQL server binaries not found: apt-get install -y postgresql";

    private const string OsUser = "postgres";
    private const int StartAttempts = 3;

    private readonly string _binDirectory;
    private readonly string _root;
    private readonly bool _asPostgresUser;
    private bool _running;

    private PostgresServer(string binDirectory, string root, bool asPostgresUser, int port)
    {
        _binDirectory = binDirectory;
        _root = root;
        _asPostgresUser = asPostgresUser;
        Port = port;
    }

    public int Port { get; private set; }

    /// <summary>The superuser connection string of the <c>postgres</c> database.</summary>
    public string AdminConnectionString => ConnectionString("postgres");

    private string DataDirectory => Path.Combine(_root, "data");

    private string SocketDirectory => Path.Combine(_root, "socket");

    private string LogFile => Path.Combine(_root, "server.log");

    public static async Task<PostgresServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var bin = FindBinDirectory();
        var asPostgresUser = Environment.UserName == "root";
        var root = Path.Combine(Path.GetTempPath(), "chatbackup-pg-" + Guid.NewGuid().ToString("N")[..12]);
        var server = new PostgresServer(bin, root, asPostgresUser, 0);
        try
        {
            await server.InitializeAsync(cancellationToken);
            Exception? last = null;
            for (var attempt = 0; attempt < StartAttempts; attempt++)
            {
                // The port can be taken between probing and the server binding it: try another.
                server.Port = FreePort();
                try
                {
                    await server.StartServerAsync(cancellationToken);
                    return server;
                }
                catch (InvalidOperationException e)
                {
                    last = e;
                }
            }

            throw new InvalidOperationException($"PostgreSQL did not start after {StartAttempts} attempts", last);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = OsUser,
        Database = database,

        // Each test database gets its own pool; keep them small and short-lived so hundreds of
        // databases in one run stay under max_connections.
        MaxPoolSize = 20,
        ConnectionIdleLifetime = 10,
    }.ConnectionString;

    /// <summary>A new, empty database with a unique name; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var name = "test_" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(cancellationToken);

        // A generated identifier of hex digits: nothing to escape, and CREATE DATABASE takes no parameters.
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return ConnectionString(name);
    }

    /// <summary>Stops the server (fast shutdown), for tests of what happens while the database is away.</summary>
    public async Task StopAsync()
    {
        if (_running)
        {
            NpgsqlConnection.ClearAllPools();
            await PgCtlAsync(["-D", DataDirectory, "-m", "immediate", "-w", "stop"], CancellationToken.None);
            _running = false;
        }
    }

    /// <summary>Starts a stopped server again on the same port.</summary>
    public Task RestartAsync(CancellationToken cancellationToken = default) => StartServerAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // Already down; the directory still goes.
        }

        try
        {
            if (Directory.Exists(_root))
            {
                Directory.Delete(_root, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }

    private static string FindBinDirectory()
    {
        // Debian and Ubuntu: /usr/lib/postgresql/<major>/bin; take the newest major version.
        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.GetDirectories(debianRoot)
                .Select(d => (Directory: Path.Combine(d, "bin"), Major: int.TryParse(Path.GetFileName(d), out var v) ? v : -1))
                .Where(d => File.Exists(Path.Combine(d.Directory, "initdb")) && File.Exists(Path.Combine(d.Directory, "pg_ctl")))
                .OrderByDescending(d => d.Major)
                .Select(d => d.Directory)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        // Elsewhere (Fedora, Homebrew, Alpine) the binaries are on PATH.
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
        return onPath ?? throw new InvalidOperationException(NotFoundMessage);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        // The server's own user must own its directories; as root, let that user create them.
        await RunAsync("mkdir", ["-m", "700", "-p", _root, SocketDirectory], cancellationToken);
        await RunAsync(
            Path.Combine(_binDirectory, "initdb"),
            ["-D", DataDirectory, "-U", OsUser, "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"],
            cancellationToken);
    }

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        var options = string.Join(' ',
            $"-p {Port}",
            $"-k {SocketDirectory}",
            "-c listen_addresses=127.0.0.1",
            "-c fsync=off",
            "-c synchronous_commit=off",
            "-c full_page_writes=off",
            "-c max_connections=500");
        await PgCtlAsync(["-D", DataDirectory, "-l", LogFile, "-o", options, "-w", "-t", "60", "start"], cancellationToken);
        _running = true;
    }

    private Task PgCtlAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        RunAsync(Path.Combine(_binDirectory, "pg_ctl"), arguments, cancellationToken);

    private async Task RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,

            // The postgres user may not be allowed into the test's working directory.
            WorkingDirectory = Path.GetTempPath(),
        };
        if (_asPostgresUser)
        {
            start.FileName = RunUser();
            foreach (var argument in new[] { "-u", OsUser, "--", program })
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            start.FileName = program;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            var message = new StringBuilder()
                .AppendLine($"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited with code {process.ExitCode}:")
                .AppendLine(await output)
                .AppendLine(await error)
                .Append(File.Exists(LogFile) ? await File.ReadAllTextAsync(LogFile, cancellationToken) : "");
            throw new InvalidOperationException(message.ToString());
        }
    }

    private static string RunUser() =>
        new[] { "/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("Running as root, PostgreSQL needs runuser (util-linux) to start as the postgres user.");
}
