using System.Globalization;

namespace ChatBackup.Host.Hosting;

public static class PortExtensions
{
    private const string Variable = "PORT";

    /// <summary>
    /// Platforms that run containers (Cloud Run, App Service, Heroku-likes) say which port to listen
    /// on in <c>PORT</c>; when it is set it wins over <c>ASPNETCORE_HTTP_PORTS</c> and <c>ASPNETCORE_URLS</c>.
    /// </summary>
    public static WebApplicationBuilder UsePortVariable(this WebApplicationBuilder builder)
    {
        if (PortVariable(Environment.GetEnvironmentVariable) is { } port)
        {
            builder.WebHost.UseUrls($"http://*:{port.ToString(CultureInfo.InvariantCulture)}");
        }

        return builder;
    }

    /// <summary>The port in <c>PORT</c>, null when unset; a value that is not a port stops start-up naming the variable.</summary>
    internal static int? PortVariable(Func<string, string?> environment)
    {
        var value = environment(Variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : throw new InvalidOperationException($"{Variable} must be a TCP port (1-65535), not '{value}'.");
    }
}
