using System.Diagnostics;

namespace ChatBackup.IntegrationTests.Host;

/// <summary>
/// <c>dotnet publish src/ChatBackup.Host -c Release</c> into a temporary folder, once for the
/// tests that share it: the same command the Dockerfile's build stage runs.
/// </summary>
public sealed class PublishedHostFixture : IAsyncLifetime
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(8);

    public string Folder { get; } = Directory.CreateTempSubdirectory("chatbackup-publish-").FullName;

    public string HostDll => Path.Combine(Folder, "ChatBackup.Host.dll");

    public async Task InitializeAsync()
    {
        var info = new ProcessStartInfo(ChildProcess.Dotnet)
        {
            WorkingDirectory = RepoRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // Build servers outlive the command and hold its output open; the test would wait for them.
        foreach (var argument in (string[])["publish", "src/ChatBackup.Host/ChatBackup.Host.csproj", "-c", "Release", "-o", Folder, "--nologo", "--disable-build-servers", "-p:UseAppHost=false"])
        {
            info.ArgumentList.Add(argument);
        }

        // The test host's own MSBuild variables would point the nested build at the wrong SDK parts.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {ChildProcess.Dotnet} publish");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(PublishTimeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet publish did not finish within {PublishTimeout}.");
        }

        if (process.ExitCode != 0 || !File.Exists(HostDll))
        {
            throw new InvalidOperationException($"dotnet publish failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
        }
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return Task.CompletedTask;
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ChatBackup.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No ChatBackup.sln above {AppContext.BaseDirectory}");
    }
}
