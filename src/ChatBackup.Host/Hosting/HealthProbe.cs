using System.Globalization;

namespace ChatBackup.Host.Hosting;

/// <summary>
/// <c>dotnet ChatBackup.Host.dll --health-probe [url]</c>: the container's HEALTHCHECK, since the
/// ASP.NET runtime image has no curl or wget. GETs <c>/health/live</c> on this container's own port
/// and exits 0 on a 2xx answer within 3 s, else 1. It runs before the web app is built, so it
/// needs no configuration and starts nothing.
/// </summary>
public static class HealthProbe
{
    public const string Verb = "--health-probe";

    private const int DefaultPort = 8080;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(string[] args)
    {
        var target = args.SkipWhile(a => a != Verb).Skip(1).FirstOrDefault() is { } explicitUrl
            ? explicitUrl
            : DefaultUrl(Environment.GetEnvironmentVariable);
        if (!Uri.TryCreate(target, UriKind.Absolute, out var url))
        {
            await Console.Error.WriteLineAsync($"health probe: '{target}' is not an absolute URL");
            return 1;
        }

        using var client = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await client.GetAsync(url);
            Console.WriteLine($"health probe: {url} answered {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"health probe: {url} did not answer: {ex.Message}");
            return 1;
        }
    }

    /// <summary>
    /// <c>http://127.0.0.1:&lt;port&gt;/health/live</c>, where the port is the one the host listens on:
    /// <c>PORT</c>, else the first http URL of <c>ASPNETCORE_URLS</c>, else the first of
    /// <c>ASPNETCORE_HTTP_PORTS</c>, else 8080 — the same order <see cref="PortExtensions"/> and Kestrel use.
    /// </summary>
    public static string DefaultUrl(Func<string, string?> environment)
    {
        var port = PortExtensions.PortVariable(environment)
            ?? PortFromUrls(environment("ASPNETCORE_URLS"))
            ?? FirstPort(environment("ASPNETCORE_HTTP_PORTS"))
            ?? DefaultPort;
        return $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/health/live";
    }

    private static int? PortFromUrls(string? urls)
    {
        foreach (var entry in (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Kestrel accepts wildcard hosts (http://+:80, http://*:80) that Uri does not.
            var normalised = entry.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal);
            if (Uri.TryCreate(normalised, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp)
            {
                return uri.Port;
            }
        }

        return null;
    }

    private static int? FirstPort(string? ports) =>
        (ports ?? "").Split(';', ',').Select(p => p.Trim()).FirstOrDefault(p => p.Length > 0) is { } first
            && int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? port
            : null;
}
