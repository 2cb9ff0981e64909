using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.EC2;
using Amazon.Runtime;

namespace ChatBackup.Testing.Moto;

/// <summary>
/// A moto server (the AWS emulator, 5.x) on a free loopback port, killed with its children on dispose.
/// A missing moto fails loudly: tests that need it must not pass by skipping.
/// </summary>
public sealed class MotoServer : IAsyncDisposable
{
    public const string NotFoundMessage = "moto_server not found: install moto 5.x (pip install 'moto[server]')";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private const int StartAttempts = 3;
    private const int KeptErrorLines = 200;

    private readonly Process _process;
    private readonly Queue<string> _errorLines = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private MotoServer(Process process, int port)
    {
        _process = process;
        Port = port;
        Endpoint = $"http://127.0.0.1:{port}";
        _http.BaseAddress = new Uri(Endpoint);
    }

    public int Port { get; }

    /// <summary>Base URL, e.g. <c>http://127.0.0.1:5123</c>, usable as an SDK <c>ServiceURL</c>.</summary>
    public string Endpoint { get; }

    /// <summary>The last lines moto wrote to stderr (its request log and tracebacks).</summary>
    public string StandardError
    {
        get
        {
            lock (_errorLines)
            {
                return string.Join(Environment.NewLine, _errorLines);
            }
        }
    }

    public static async Task<MotoServer> StartAsync(CancellationToken cancellationToken = default)
    {
        Exception? last = null;
        for (var attempt = 0; attempt < StartAttempts; attempt++)
        {
            // Another process can take the port between probing and moto binding it: try again on a new one.
            var port = FreePort();
            var server = new MotoServer(Launch(port), port);
            server.CaptureOutput();
            try
            {
                await server.WaitUntilReadyAsync(cancellationToken);
                return server;
            }
            catch (InvalidOperationException e)
            {
                last = e;
                await server.DisposeAsync();
                // A python without moto, or a pyenv shim whose active version lacks the script.
                if (server.StandardError.Contains("No module named", StringComparison.Ordinal)
                    || server.StandardError.Contains("command not found", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"{NotFoundMessage}{Environment.NewLine}{server.StandardError}", e);
                }
            }
        }

        throw new InvalidOperationException($"moto_server did not start after {StartAttempts} attempts", last);
    }

    /// <summary>Clears every region's state (<c>POST /moto-api/reset</c>).</summary>
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _http.PostAsync(new Uri("/moto-api/reset", UriKind.Relative), null, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>An EC2 client for <paramref name="region"/>; moto keeps one state per region and reads it from the signature.</summary>
    public IAmazonEC2 CreateClient(string region) =>
        new AmazonEC2Client(
            new BasicAWSCredentials("testing", "testing"),
            new AmazonEC2Config { ServiceURL = Endpoint, AuthenticationRegion = region, MaxErrorRetry = 0 });

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
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

    private static Process Launch(int port)
    {
        var arguments = $"-H 127.0.0.1 -p {port}";
        try
        {
            return Process.Start(StartInfo("moto_server", arguments))!;
        }
        catch (Win32Exception)
        {
            // Not on PATH: a pip install without its scripts directory on PATH still has the module.
        }

        try
        {
            return Process.Start(StartInfo("python3", $"-m moto.server {arguments}"))!;
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(NotFoundMessage, e);
        }
    }

    private static ProcessStartInfo StartInfo(string fileName, string arguments) => new(fileName, arguments)
    {
        UseShellExecute = false,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        CreateNoWindow = true,
    };

    private void CaptureOutput()
    {
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_errorLines)
        {
            _errorLines.Enqueue(line);
            while (_errorLines.Count > KeptErrorLines)
            {
                _errorLines.Dequeue();
            }
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"moto_server exited with code {_process.ExitCode}:{Environment.NewLine}{StandardError}");
            }

            try
            {
                using var response = await _http.GetAsync(new Uri("/moto-api/", UriKind.Relative), cancellationToken);
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A request timeout while moto is still importing.
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new InvalidOperationException($"moto_server did not answer on {Endpoint} within {StartTimeout.TotalSeconds:0} s:{Environment.NewLine}{StandardError}");
    }
}
