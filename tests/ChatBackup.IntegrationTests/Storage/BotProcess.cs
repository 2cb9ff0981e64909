using System.Diagnostics;
using System.Net;
using ChatBackup.IntegrationTests.Host;

namespace ChatBackup.IntegrationTests.Storage;

/// <summary>The real host, started from its build output as a child process, that a test can SIGKILL.</summary>
internal sealed class BotProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly ChildProcess _child;

    private BotProcess(ChildProcess child, int port)
    {
        _child = child;
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public int Port { get; }

    public HttpClient Http { get; }

    public Process Process => _child.Process;

    public string Output => _child.Output;

    public static async Task<BotProcess> StartAsync(int port, IReadOnlyDictionary<string, string> environment)
    {
        var env = new Dictionary<string, string>(environment) { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" };
        var bot = new BotProcess(ChildProcess.Start(HostFolder(), env, Path.Combine(HostFolder(), "ChatBackup.Host.dll")), port);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(bot.Process.HasExited, $"the bot exited before answering:\n{bot.Output}");
            try
            {
                if ((await bot.Http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode == HttpStatusCode.OK)
                {
                    return bot;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            Assert.True(deadline.Elapsed < StartTimeout, $"the bot did not answer /health/ready within {StartTimeout}:\n{bot.Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL, as an OOM kill or a lost node would: no graceful shutdown, no job handed back.</summary>
    public void Kill()
    {
        Process.Kill(entireProcessTree: true);
        Process.WaitForExit(10_000);
    }

    /// <summary>Waits for the process to kill itself at its armed crash point.</summary>
    public async Task WaitForCrashAsync(string point, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await Process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the bot did not reach crash point '{point}' within {timeout}:\n{Output}");
        }

        Assert.Contains($"at '{point}'", Output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Http.Dispose();
        _child.Dispose();
    }

    private static string HostFolder()
    {
        var tfmFolder = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = tfmFolder.Parent!.Name;
        var folder = Path.Combine(PublishedHostFixture.RepoRoot(), "src", "ChatBackup.Host", "bin", configuration, tfmFolder.Name);
        Assert.True(File.Exists(Path.Combine(folder, "ChatBackup.Host.dll")), $"ChatBackup.Host.dll is not in {folder}: build the solution first (dotnet build).");
        return folder;
    }
}
