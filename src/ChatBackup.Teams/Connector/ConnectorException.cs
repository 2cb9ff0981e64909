using System.Net;

namespace ChatBackup.Teams.Connector;

/// <summary>The Bot Connector refused or failed a call; <see cref="Code"/> is its <c>error.code</c> (<c>MessageWritesBlocked</c>…).</summary>
public sealed class ConnectorException(string operation, string code, string message, HttpStatusCode? status = null, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception($"Bot Connector {operation} failed: {code}: {message}", inner)
{
    public string Operation { get; } = operation;

    public string Code { get; } = code;

    public HttpStatusCode? Status { get; } = status;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    public bool IsRetryable => Status is HttpStatusCode.TooManyRequests || (int?)Status >= 500;
}
