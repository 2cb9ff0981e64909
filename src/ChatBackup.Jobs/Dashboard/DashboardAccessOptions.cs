using Microsoft.Extensions.Options;

namespace ChatBackup.Jobs.Dashboard;

/// <summary>
/// Who may open the Hangfire dashboard at <c>/hangfire</c>, bound from the <c>Dashboard</c> section.
/// Loopback callers are always let in; remote operators only with <see cref="AllowRemote"/> and
/// HTTP Basic credentials checked against <see cref="PasswordHash"/>.
/// </summary>
public sealed class DashboardAccessOptions
{
    public const string Section = "Dashboard";

    /// <summary>Off: <c>/hangfire</c> is not mapped at all (404).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Lets callers that are not on loopback in, when they present <see cref="Username"/> and the password.</summary>
    public bool AllowRemote { get; set; }

    public string? Username { get; set; }

    /// <summary>A <c>pbkdf2-sha256$&lt;iterations&gt;$&lt;salt&gt;$&lt;hash&gt;</c> string from <c>--hash-dashboard-password</c>; never the password itself.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>
    /// Accepts remote credentials over plain HTTP: only for a TLS-terminating proxy whose hop to the
    /// bot is private, since the request itself then no longer says it was HTTPS.
    /// </summary>
    public bool AllowInsecureHttp { get; set; }

    public bool HasCredentials => !string.IsNullOrEmpty(Username) && !string.IsNullOrEmpty(PasswordHash);
}

internal sealed class DashboardAccessOptionsValidator : IValidateOptions<DashboardAccessOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardAccessOptions options)
    {
        var failures = new List<string>();

        if (string.IsNullOrEmpty(options.Username) != string.IsNullOrEmpty(options.PasswordHash))
        {
            failures.Add("Dashboard:Username and Dashboard:PasswordHash must be set together.");
        }

        if (options.Username is { } user && user.Contains(':', StringComparison.Ordinal))
        {
            // Basic credentials are "user:password": the first colon ends the user name.
            failures.Add("Dashboard:Username must not contain ':'.");
        }

        if (!string.IsNullOrEmpty(options.PasswordHash) && !DashboardPasswordHash.TryParse(options.PasswordHash, out _, out var problem))
        {
            failures.Add($"Dashboard:PasswordHash {problem} Create one with: dotnet ChatBackup.Host.dll --hash-dashboard-password");
        }

        if (options.Enabled && options.AllowRemote && !options.HasCredentials)
        {
            failures.Add("Dashboard:AllowRemote requires Dashboard:Username and Dashboard:PasswordHash.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
