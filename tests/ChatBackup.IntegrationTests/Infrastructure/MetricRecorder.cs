using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ChatBackup.Core.Telemetry;

namespace ChatBackup.IntegrationTests.Infrastructure;

/// <summary>One measurement of a <c>ChatBackup</c> instrument, with its tags.</summary>
public sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, string?> Tags)
{
    public bool Has(string tag, string value) => Tags.TryGetValue(tag, out var actual) && actual == value;
}

/// <summary>
/// Listens to the <c>ChatBackup</c> meter the way an exporter would, without one: what the app
/// records here is what OTLP would carry. The meter is process-wide, so only one app may run at a time.
/// </summary>
public sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measurement> _measurements = new();

    public MetricRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ChatBackupTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    public IReadOnlyList<Measurement> Of(string instrument) => [.. _measurements.Where(m => m.Instrument == instrument)];

    /// <summary>The sum of <paramref name="instrument"/>'s measurements whose tags include all of <paramref name="tags"/>.</summary>
    public double Sum(string instrument, params (string Tag, string Value)[] tags) =>
        Of(instrument).Where(m => tags.All(t => m.Has(t.Tag, t.Value))).Sum(m => m.Value);

    /// <summary>Polls until <paramref name="condition"/> holds: counts land when the app writes, not when the test looks.</summary>
    public async Task WaitForAsync(Func<MetricRecorder, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition(this))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No {what}. Recorded:\n  {string.Join("\n  ", _measurements.Select(Describe))}");
            }

            await Task.Delay(20);
        }
    }

    public void Dispose() => _listener.Dispose();

    private static string Describe(Measurement m) =>
        $"{m.Instrument} {m.Value} {string.Join(", ", m.Tags.Select(t => $"{t.Key}={t.Value}"))}";

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value?.ToString();
        }

        _measurements.Enqueue(new Measurement(instrument.Name, value, copy));
    }
}
