using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatBackup.Jobs.Dashboard;

/// <summary>
/// The dashboard shows job arguments and can retry or delete jobs. Loopback callers are let in;
/// remote callers only when <see cref="DashboardAccessOptions.AllowRemote"/> is on and they present
/// the configured Basic credentials over HTTPS. A refusal is Hangfire's 401; a credential
/// challenge adds <c>WWW-Authenticate</c>.
/// </summary>
internal sealed partial class DashboardAuthorizationFilter : IDashboardAuthorizationFilter
{
    private const string Challenge = "Basic realm=\"ChatBackup dashboard\", charset=\"UTF-8\"";

    // PBKDF2 is slow on purpose: bound how many cores a flood of wrong passwords can hold.
    private const int MaxConcurrentVerifications = 2;

    // The key for remembering the credentials already verified, so each page and poll of a signed-in
    // operator costs one HMAC instead of a PBKDF2 run. Per process; never leaves memory.
    private readonly byte[] _rememberKey = RandomNumberGenerator.GetBytes(32);

    private readonly DashboardAccessOptions _options;
    private readonly DashboardPasswordHash? _hash;
    private readonly ILogger _logger;
    private byte[]? _verified;
    private int _verifying;

    public DashboardAuthorizationFilter(DashboardAccessOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        if (options.HasCredentials && DashboardPasswordHash.TryParse(options.PasswordHash, out var hash, out _))
        {
            _hash = hash;
        }
    }

    public bool Authorize(DashboardContext context)
    {
        var http = context.GetHttpContext();
        if (IsLoopback(http))
        {
            return true;
        }

        var caller = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (!_options.AllowRemote || _hash is null)
        {
            LogRefused(_logger, caller, "remote access is off (Dashboard:AllowRemote)");
            return false;
        }

        if (!http.Request.IsHttps && !_options.AllowInsecureHttp)
        {
            // No challenge: a browser would answer it by sending the password in clear text.
            LogRefused(_logger, caller, "HTTPS required (Dashboard:AllowInsecureHttp is off)");
            return false;
        }

        if (!TryReadBasic(http.Request, out var user, out var password))
        {
            http.Response.Headers.WWWAuthenticate = Challenge;
            return false;
        }

        if (!Verify(user, password))
        {
            LogRefused(_logger, caller, "wrong user name or password");
            http.Response.Headers.WWWAuthenticate = Challenge;
            return false;
        }

        return true;
    }

    /// <summary>
    /// A loopback connection that carries forwarding headers came through a proxy on this host, so
    /// the real caller is elsewhere: it is treated as remote.
    /// </summary>
    private static bool IsLoopback(HttpContext http)
    {
        var remote = http.Connection.RemoteIpAddress;
        if (remote is null)
        {
            return false;
        }

        if (remote.IsIPv4MappedToIPv6)
        {
            remote = remote.MapToIPv4();
        }

        return IPAddress.IsLoopback(remote)
            && !http.Request.Headers.ContainsKey("X-Forwarded-For")
            && !http.Request.Headers.ContainsKey("Forwarded");
    }

    private static bool TryReadBasic(HttpRequest request, out string user, out string password)
    {
        user = password = "";
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || header.Parameter is null)
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        user = decoded[..colon];
        password = decoded[(colon + 1)..];
        return true;
    }

    private bool Verify(string user, string password)
    {
        var presented = HMACSHA256.HashData(_rememberKey, Encoding.UTF8.GetBytes(user + "\0" + password));
        if (Volatile.Read(ref _verified) is { } verified && CryptographicOperations.FixedTimeEquals(presented, verified))
        {
            return true;
        }

        if (Interlocked.Increment(ref _verifying) > MaxConcurrentVerifications)
        {
            Interlocked.Decrement(ref _verifying);
            return false;
        }

        try
        {
            // Both checks always run, so the time taken does not tell whether the user name was right.
            var userMatches = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(user), Encoding.UTF8.GetBytes(_options.Username ?? ""));
            var passwordMatches = _hash!.Verify(password);
            if (userMatches && passwordMatches)
            {
                Volatile.Write(ref _verified, presented);
                return true;
            }

            return false;
        }
        finally
        {
            Interlocked.Decrement(ref _verifying);
        }
    }

    [LoggerMessage(EventId = 5000, Level = LogLevel.Warning, Message = "Refused the Hangfire dashboard to {Caller}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string caller, string reason);
}
