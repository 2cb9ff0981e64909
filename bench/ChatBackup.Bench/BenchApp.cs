using ChatBackup.Core.Ec2;
using ChatBackup.Testing.Ec2;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ChatBackup.Bench;

/// <summary>
/// The host's own <c>Program.cs</c> on a real Kestrel socket, with the EC2 gateway swapped for
/// <see cref="FakeEc2Gateway"/>: whatever the host maps (Slack today, Teams once it lands) is what
/// the bench measures, with no bench-only composition to drift from production.
/// </summary>
internal sealed class BenchApp : WebApplicationFactory<Program>
{
    public const string Region = "us-east-1";
    public const string InstanceName = "web-01";

    private readonly IReadOnlyDictionary<string, string?> _settings;

    public BenchApp(int port, IReadOnlyDictionary<string, string?> settings, int pendingPolls)
    {
        Ec2 = new FakeEc2Gateway { PendingPolls = pendingPolls };
        Ec2.AddInstance(Region, InstanceName);
        _settings = settings;
        UseKestrel(port);
    }

    public FakeEc2Gateway Ec2 { get; }

    /// <summary>The settings every bench run shares; <paramref name="extra"/> wins.</summary>
    public static Dictionary<string, string?> Settings(string slackApiBaseUrl, string secret, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Slack:SigningSecret"] = secret,
            ["Slack:BotToken"] = "xoxb-bench-token",
            ["Slack:ApiBaseUrl"] = slackApiBaseUrl,
            ["Aws:DefaultRegion"] = Region,
            ["Teams:AllowAnonymous"] = "true",

            // Per-request Information logs to the console would measure the terminal, not the bot;
            // the Bolt and botbuilder baselines log nothing per request either.
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // WebApplicationFactory defaults to Development (developer exception page, DI scope
        // validation on every resolution); the container runs Production, so the bench does too.
        builder.UseEnvironment(Environments.Production);
        builder.UseContentRoot(AppContext.BaseDirectory);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<IEc2Gateway>();
            services.AddSingleton<IEc2Gateway>(Ec2);
        });
    }
}
