using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ChatBackup.IntegrationTests.Infrastructure;

/// <summary>One log entry with everything a provider could write: message, state values, scopes and exception.</summary>
public sealed record CapturedLog(string Category, LogLevel Level, string Text);

/// <summary>
/// Keeps every log entry of every category, as text, so a test can look for what must never be
/// logged. Scopes are included the way the console and OTLP providers include them.
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<CapturedLog> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private static IEnumerable<string> Values(object? state) => state switch
    {
        null => [],
        IEnumerable<KeyValuePair<string, object?>> pairs => pairs.Select(p => $"{p.Key}={p.Value}").Append(state.ToString() ?? ""),
        _ => [state.ToString() ?? ""],
    };

    private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var parts = new List<string> { formatter(state, exception) };
            parts.AddRange(Values(state));
            provider._scopes.ForEachScope((scope, list) => list.AddRange(Values(scope)), parts);
            if (exception is not null)
            {
                parts.Add(exception.ToString());
            }

            provider._entries.Enqueue(new CapturedLog(category, logLevel, string.Join('\n', parts)));
        }
    }
}
