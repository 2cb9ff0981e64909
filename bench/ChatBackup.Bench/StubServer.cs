using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;

namespace ChatBackup.Bench;

/// <summary>
/// Stands in for Slack's Web API (<c>/api/{method}</c>, response URLs) and the Bot Framework
/// connector (<c>/teams/v3/...</c>) for every bot under load. It answers everything with a success
/// that satisfies both platforms' clients and counts calls, so the same cheap peer serves the
/// bots and their baselines alike; <c>GET /stats</c> shows the counts.
/// </summary>
internal static class StubServer
{
    public static async Task<int> RunAsync(Args args)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{args.Int("port", 5190)}");
        builder.Logging.ClearProviders();
        var app = builder.Build();

        var calls = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        long next = 0;
        var recording = new Recording();
        app.MapGet("/stats", () => Results.Json(calls.OrderBy(c => c.Key, StringComparer.Ordinal).ToDictionary()));
        app.MapPost("/recording/start", () => recording.Start());
        app.MapGet("/recording", () => Results.Json(recording.Calls()));

        // Not MapFallback: its pattern skips paths that look like files, and Slack's methods have dots.
        app.Map("/{**path}", async context =>
        {
            // Drain the body: a peer that does not read it is not what the bots talk to. While the
            // fan-out records, Slack chat calls are kept with their channel, thread and mark.
            if (recording.On && context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
            {
                var body = await JsonNode.ParseAsync(context.Request.Body);
                recording.Add(context.Request.Path.Value![5..], body);
            }
            else
            {
                await context.Request.Body.CopyToAsync(Stream.Null);
            }

            calls.AddOrUpdate(Key(context.Request), 1, (_, n) => n + 1);
            var id = Interlocked.Increment(ref next).ToString("D6", CultureInfo.InvariantCulture);
            await context.Response.WriteAsJsonAsync(new Dictionary<string, object>
            {
                ["ok"] = true,
                ["ts"] = $"1700000000.{id}",
                ["message_ts"] = $"1700000000.{id}",
                ["channel"] = "C0123OPS",
                ["id"] = $"activity-{id}",
            });
        });

        await app.StartAsync();
        Console.WriteLine("ready");
        await app.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>Slack chat calls seen while recording: what the fan-out's pacing and lag figures are computed from.</summary>
    private sealed class Recording
    {
        private readonly ConcurrentQueue<RecordedChatCall> _calls = new();

        public bool On { get; private set; }

        public void Start()
        {
            _calls.Clear();
            On = true;
        }

        public void Add(string method, JsonNode? body) => _calls.Enqueue(new RecordedChatCall(
            method,
            body?["channel"]?.GetValue<string>(),
            body?["thread_ts"]?.GetValue<string>(),
            body?["metadata"]?["event_payload"]?["operation_id"]?.GetValue<string>(),
            body?["metadata"]?["event_payload"]?["purpose"]?.GetValue<string>(),
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));

        public List<RecordedChatCall> Calls() => [.. _calls];
    }

    /// <summary>"slack chat.postMessage", "teams POST activities": enough to see who called what.</summary>
    private static string Key(HttpRequest request)
    {
        var path = request.Path.Value ?? "/";
        if (path.StartsWith("/api/", StringComparison.Ordinal))
        {
            return "slack " + path[5..];
        }

        if (path.StartsWith("/response/", StringComparison.Ordinal))
        {
            return "slack response_url";
        }

        var last = path.TrimEnd('/').Split('/').Reverse().FirstOrDefault(s => s is "activities" or "conversations" or "members") ?? path;
        return $"teams {request.Method} {last}";
    }
}

/// <summary>One Slack chat call the stub saw: method, channel, thread, the operation's mark, when (Unix ms).</summary>
internal sealed record RecordedChatCall(string Method, string? Channel, string? Thread, string? OperationId, string? Purpose, long AtMs);
