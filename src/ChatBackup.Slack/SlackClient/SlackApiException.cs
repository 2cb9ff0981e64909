namespace ChatBackup.Slack.SlackClient;

/// <summary>
/// Slack refused a Web API or response_url call. <see cref="Error"/> is Slack's code
/// (<c>not_in_channel</c>, <c>ratelimited</c>, <c>missing_scope</c>…) or <c>http_&lt;status&gt;</c>.
/// </summary>
public sealed class SlackApiException(
    string method,
    string error,
    int? httpStatus = null,
    string? needed = null,
    string? provided = null,
    TimeSpan? retryAfter = null)
    : Exception(BuildMessage(method, error, needed, provided))
{
    public string Method { get; } = method;

    public string Error { get; } = error;

    public int? HttpStatus { get; } = httpStatus;

    /// <summary>For <c>missing_scope</c>: the scope the call needs.</summary>
    public string? Needed { get; } = needed;

    /// <summary>For <c>missing_scope</c>: the scopes the token has.</summary>
    public string? Provided { get; } = provided;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>Worth trying again later: throttling or a fault on Slack's side.</summary>
    public bool IsRetryable =>
        Error is "ratelimited" or "internal_error" or "fatal_error" or "service_unavailable" or "request_timeout"
        || HttpStatus >= 500;

    private static string BuildMessage(string method, string error, string? needed, string? provided) =>
        needed is null
            ? $"Slack {method} failed: {error}"
            : $"Slack {method} failed: {error} (needed: {needed}; provided: {provided})";
}
