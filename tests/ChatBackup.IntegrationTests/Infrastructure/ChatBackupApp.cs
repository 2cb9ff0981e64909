using System.Security.Cryptography;
using Amazon.Runtime;
using ChatBackup.Aws.Ec2;
using ChatBackup.Core.Ec2;
using ChatBackup.Core.Operations;
using ChatBackup.Testing.Slack;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ChatBackup.IntegrationTests.Infrastructure;

/// <summary>
/// The whole bot in-process: real Slack endpoints and signature checks, Hangfire with in-memory
/// storage, and EC2 either moto (through the real AWS SDK gateway) or the fake with pending states.
/// Slack's Web API is a recording server on loopback.
/// </summary>
public sealed class ChatBackupApp : WebApplicationFactory<Program>
{
    public const string Region = "us-east-1";

    private readonly Dictionary<string, string?> _settings;
    private readonly IEc2Gateway? _ec2;
    private readonly string? _motoEndpoint;

    private ChatBackupApp(RecordingSlackServer slack, IEc2Gateway? ec2, string? motoEndpoint, IDictionary<string, string?>? settings)
    {
        Slack = slack;
        _ec2 = ec2;
        _motoEndpoint = motoEndpoint;
        SigningSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        Signer = new SlackRequestSigner(SigningSecret);
        _settings = new Dictionary<string, string?>
        {
            ["Slack:SigningSecret"] = SigningSecret,
            ["Slack:BotToken"] = "xoxb-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
            ["Slack:ApiBaseUrl"] = slack.ApiBaseUrl,
            ["Aws:DefaultRegion"] = Region,
            ["Backup:PollInterval"] = "00:00:00.100",
            ["Backup:CardUpdateInterval"] = "00:00:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public RecordingSlackServer Slack { get; }

    public string SigningSecret { get; }

    public SlackRequestSigner Signer { get; }

    public IOperationStore Store => Services.GetRequiredService<IOperationStore>();

    /// <summary>More test services (loggers, exporters, fakes), applied last; set before the app first starts.</summary>
    public Action<IServiceCollection>? TestServices { get; set; }

    /// <summary>The bot against moto, through the real EC2 gateway and AWS SDK.</summary>
    public static ChatBackupApp WithMoto(RecordingSlackServer slack, string motoEndpoint, IDictionary<string, string?>? settings = null) =>
        new(slack, null, motoEndpoint, settings);

    /// <summary>The bot against an in-process EC2 fake (pending states, progress, injected faults).</summary>
    public static ChatBackupApp WithFake(RecordingSlackServer slack, IEc2Gateway ec2, IDictionary<string, string?>? settings = null) =>
        new(slack, ec2, null, settings);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseContentRoot(AppContext.BaseDirectory);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            if (_ec2 is not null)
            {
                services.RemoveAll<IEc2Gateway>();
                services.AddSingleton(_ec2);
            }

            if (_motoEndpoint is not null)
            {
                services.RemoveAll<Ec2ClientFactory>();
                services.AddSingleton(new Ec2ClientFactory(_motoEndpoint, new BasicAWSCredentials("testing", "testing")));
            }

            TestServices?.Invoke(services);
        });
    }

    /// <summary>
    /// Hangfire keeps the app's logger factory in a process-wide setting; once this app is gone that
    /// factory is disposed, and the next Hangfire storage built in this process (another test's)
    /// would log through it and fail. Production runs one app per process, so only tests reset it.
    /// </summary>
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Hangfire.Logging.LogProvider.SetCurrentLogProvider(null);
    }

    /// <summary>Sends a signed <c>/backup</c> command as alice in #ops and returns the HTTP response.</summary>
    public Task<HttpResponseMessage> CommandAsync(string text, SlackCommandFields? fields = null)
    {
        var request = Signer.Command((fields ?? new SlackCommandFields(text)) with { Text = text, TriggerId = (fields?.TriggerId) ?? Guid.NewGuid().ToString("N") });
        return CreateClient().SendAsync(request);
    }

    /// <summary>Waits until an operation reaches a final state and its chat has caught up (card, replies).</summary>
    public async Task<Operation> WaitForFinalAsync(string operationId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var op = await Store.GetAsync(operationId, CancellationToken.None);
            if (op is not null && op.State.IsFinal() && !Core.Chat.ChatWorks.IsDue(op))
            {
                return op;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{operationId} is still {op?.State.ToString() ?? "missing"} ({op?.Phase}) after the timeout.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Waits until the operation's card id is saved: Slack has answered chat.postMessage a moment
    /// before the bot records the ts, so a click sent in between would name no message.
    /// </summary>
    public async Task<string> WaitForCardAsync(string operationId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var op = await Store.GetAsync(operationId, CancellationToken.None);
            if (op?.CardMessageId is { } ts)
            {
                return ts;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{operationId} has no card after the timeout ({op?.State}, {op?.Phase}).");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>The operations this app has recorded in #ops, newest first.</summary>
    public Task<IReadOnlyList<Operation>> OperationsAsync(string channel = "C0123OPS") =>
        Store.ListRecentAsync("slack", channel, 100, CancellationToken.None);
}
