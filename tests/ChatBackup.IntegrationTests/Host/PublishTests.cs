using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace ChatBackup.IntegrationTests.Host;

/// <summary>
/// What the container runs: the Release publish output, started as its own process from its own
/// folder with only a port and a region set, probed the way the HEALTHCHECK probes it.
/// </summary>
public sealed class PublishTests(PublishedHostFixture published) : IClassFixture<PublishedHostFixture>
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public void PublishOutput_HoldsTheHost_AndNoTestsOrDevelopmentSettings()
    {
        var files = Directory.EnumerateFiles(published.Folder, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();

        Assert.Contains("ChatBackup.Host.dll", files);
        Assert.Contains("appsettings.json", files);
        Assert.DoesNotContain(files, f => f!.Contains("Tests", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(files, f => f!.StartsWith("ChatBackup.Testing", StringComparison.Ordinal));
        Assert.DoesNotContain(files, f => f!.StartsWith("xunit", StringComparison.OrdinalIgnoreCase) || f.StartsWith("testhost", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(files, f => f!.StartsWith("Microsoft.AspNetCore.Mvc.Testing", StringComparison.Ordinal) || f.StartsWith("Microsoft.AspNetCore.TestHost", StringComparison.Ordinal));
        Assert.DoesNotContain(files, f => f!.StartsWith("appsettings.Development", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void PublishedSettings_CarryNoSecrets()
    {
        foreach (var settings in Directory.EnumerateFiles(published.Folder, "appsettings*.json", SearchOption.AllDirectories))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(settings));
            var secrets = Leaves(json.RootElement, "")
                .Where(l => l.Value.Length > 0 && (l.Path.Contains("Secret", StringComparison.OrdinalIgnoreCase)
                    || l.Path.Contains("Token", StringComparison.OrdinalIgnoreCase)
                    || l.Path.Contains("Password", StringComparison.OrdinalIgnoreCase)
                    || l.Path.Contains("ConnectionStrings", StringComparison.OrdinalIgnoreCase)))
                .Select(l => l.Path)
                .ToList();
            Assert.True(secrets.Count == 0, $"{Path.GetFileName(settings)} sets {string.Join(", ", secrets)}");
        }
    }

    [Fact]
    public async Task PublishedHost_RunsFromItsOwnFolder_AnswersProbes_AndStopsCleanly()
    {
        var port = ChildProcess.FreePort();
        var elsewhere = Directory.CreateTempSubdirectory("chatbackup-cwd-").FullName;
        try
        {
            // Settings that would stop start-up if the host read its working directory instead of its own folder.
            await File.WriteAllTextAsync(Path.Combine(elsewhere, "appsettings.json"), """{ "Backup": { "PollInterval": "-00:00:01" } }""");
            var environment = new Dictionary<string, string> { ["ASPNETCORE_HTTP_PORTS"] = $"{port}", ["Aws__DefaultRegion"] = "us-east-1" };

            using var host = ChildProcess.Start(elsewhere, environment, published.HostDll);
            var pid = host.Process.Id;
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };

            await WaitUntilLiveAsync(host, http);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);

            // No Slack secret in the published settings or the environment: Slack is off, not open.
            Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync("/slack/commands", new FormUrlEncodedContent([]))).StatusCode);

            // A real loopback connection gets the dashboard.
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/hangfire")).StatusCode);

            var probe = await ChildProcess.RunAsync(elsewhere, new Dictionary<string, string> { ["ASPNETCORE_HTTP_PORTS"] = $"{port}" }, ProbeTimeout, published.HostDll, "--health-probe");
            Assert.True(probe.ExitCode == 0, $"--health-probe exited {probe.ExitCode}:\n{probe.Output}");

            await StopLikeDockerAsync(host);
            Assert.True(host.Process.ExitCode == 0, $"the host exited {host.Process.ExitCode} on SIGTERM:\n{host.Output}");
            Assert.False(ChildProcess.Lingers(pid), $"process {pid} is still in the process table after it exited");
            await Assert.ThrowsAnyAsync<SocketException>(async () =>
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
            });

            // The published appsettings.json set these categories to Warning: their Information lines must not appear.
            Assert.Contains("Now listening on", host.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("Microsoft.AspNetCore.Hosting.Diagnostics", host.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("info: Hangfire", host.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Fact]
    public async Task HealthProbe_FailsAgainstAClosedPort_WithoutStartingTheApp()
    {
        var closed = ChildProcess.FreePort();
        var stopwatch = Stopwatch.StartNew();

        // No region either: had the probe built the web app, start-up validation would have thrown instead.
        var probe = await ChildProcess.RunAsync(published.Folder, new Dictionary<string, string> { ["ASPNETCORE_HTTP_PORTS"] = $"{closed}" }, ProbeTimeout, published.HostDll, "--health-probe");

        Assert.True(probe.ExitCode == 1, $"--health-probe exited {probe.ExitCode}:\n{probe.Output}");
        Assert.Contains($"127.0.0.1:{closed}/health/live", probe.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", probe.Output, StringComparison.Ordinal);
        Assert.True(stopwatch.Elapsed < ProbeTimeout);
    }

    private static async Task WaitUntilLiveAsync(ChildProcess host, HttpClient http)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            Assert.False(host.Process.HasExited, $"the published host exited ({(host.Process.HasExited ? host.Process.ExitCode : 0)}) before answering:\n{host.Output}");
            try
            {
                if ((await http.GetAsync("/health/live")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            Assert.True(DateTime.UtcNow < deadline, $"/health/live did not answer 200 within {StartTimeout}:\n{host.Output}");
            await Task.Delay(200);
        }
    }

    /// <summary>SIGTERM, as <c>docker stop</c> sends, and a graceful exit; a kill only when that fails.</summary>
    private static async Task StopLikeDockerAsync(ChildProcess host)
    {
        if (OperatingSystem.IsWindows())
        {
            host.Process.Kill(entireProcessTree: true);
        }
        else
        {
            using var kill = Process.Start("kill", ["-TERM", host.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await host.Process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            host.Process.Kill(entireProcessTree: true);
            Assert.Fail($"the host did not stop within 30 s of SIGTERM:\n{host.Output}");
        }
    }

    private static IEnumerable<(string Path, string Value)> Leaves(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Leaves(p.Value, path.Length == 0 ? p.Name : $"{path}:{p.Name}")),
        JsonValueKind.Array => element.EnumerateArray().SelectMany((e, i) => Leaves(e, $"{path}:{i}")),
        _ => [(path, element.ValueKind == JsonValueKind.String ? element.GetString() ?? "" : element.ToString())],
    };
}
