using System.Diagnostics;
using System.Diagnostics.Metrics;
using ChatBackup.Core.Intents;
using ChatBackup.Core.Operations;

namespace ChatBackup.Core.Telemetry;

/// <summary>
/// The bot's own metrics and spans, on the BCL's <see cref="Meter"/> and <see cref="ActivitySource"/>
/// so the core and adapters need no OpenTelemetry package: the host subscribes to
/// <see cref="Name"/> and exports, and without a listener every call here costs next to nothing.
/// </summary>
public static class ChatBackupTelemetry
{
    /// <summary>The name of both the meter and the activity source.</summary>
    public const string Name = "ChatBackup";

    public const string OperationsName = "chatbackup.operations";
    public const string ApprovalLatencyName = "chatbackup.approval.latency";
    public const string Ec2CallsName = "chatbackup.ec2.calls";
    public const string Ec2ThrottlesName = "chatbackup.ec2.throttles";
    public const string ChatCallsName = "chatbackup.chat.calls";
    public const string ChatRateLimitedName = "chatbackup.chat.rate_limited";

    /// <summary>The <c>outcome</c> of a call that did what was asked.</summary>
    public const string Ok = "ok";

    public static readonly ActivitySource ActivitySource = new(Name);

    // Set on requests whose URL is a credential (a Slack response_url), so tracing can leave it out.
    private static readonly HttpRequestOptionsKey<bool> SecretUrlKey = new("ChatBackup.SecretUrl");

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Operations = Meter.CreateCounter<long>(
        OperationsName, "{transition}", "Operations entering a state (tags: kind, state); the first count of an operation is its initial state.");

    private static readonly Histogram<double> ApprovalLatency = Meter.CreateHistogram<double>(
        ApprovalLatencyName, "s", "Time from an approval request to its decision (tag: decision).");

    private static readonly Counter<long> Ec2Calls = Meter.CreateCounter<long>(
        Ec2CallsName, "{call}", "EC2 API calls after the SDK's own retries (tags: action, region, outcome).");

    private static readonly Counter<long> Ec2Throttles = Meter.CreateCounter<long>(
        Ec2ThrottlesName, "{call}", "EC2 API calls that stayed throttled after the SDK's own retries (tags: action, region).");

    private static readonly Counter<long> ChatCalls = Meter.CreateCounter<long>(
        ChatCallsName, "{call}", "Chat platform API calls after retries (tags: platform, method, outcome).");

    private static readonly Counter<long> ChatRateLimited = Meter.CreateCounter<long>(
        ChatRateLimitedName, "{response}", "HTTP 429 answers from a chat platform, each retried attempt counted (tags: platform, method).");

    /// <summary>Marks <paramref name="request"/>'s URL as a credential that spans must not record.</summary>
    public static HttpRequestMessage WithSecretUrl(this HttpRequestMessage request)
    {
        request.Options.Set(SecretUrlKey, true);
        return request;
    }

    public static bool IsSecretUrl(HttpRequestMessage request) =>
        request.Options.TryGetValue(SecretUrlKey, out var secret) && secret;

    public static void OperationEntered(OperationKind kind, OperationState state) =>
        Operations.Add(1, new("kind", kind.ToString()), new("state", state.ToString()));

    /// <summary>Records the time from the request to <paramref name="decision"/> on it.</summary>
    public static void ApprovalDecided(Operation operation, ApprovalDecision decision) =>
        ApprovalLatency.Record(
            Math.Max(0, (decision.DecidedAt - operation.CreatedAt).TotalSeconds),
            new KeyValuePair<string, object?>("decision", decision.Approved ? "approved" : "rejected"));

    /// <param name="outcome"><see cref="Ok"/>, or the kind of fault (throttled, not_found, …).</param>
    public static void Ec2Call(string action, string region, string outcome) =>
        Ec2Calls.Add(1, new("action", action), new("region", region), new("outcome", outcome));

    public static void Ec2Throttled(string action, string region) =>
        Ec2Throttles.Add(1, new("action", action), new("region", region));

    /// <param name="outcome"><see cref="Ok"/>, or the platform's error code (Slack's <c>error</c>, the connector's <c>code</c>).</param>
    public static void ChatCall(string platform, string method, string outcome) =>
        ChatCalls.Add(1, new("platform", platform), new("method", method), new("outcome", outcome));

    public static void ChatRateLimit(string platform, string method) =>
        ChatRateLimited.Add(1, new("platform", platform), new("method", method));
}
