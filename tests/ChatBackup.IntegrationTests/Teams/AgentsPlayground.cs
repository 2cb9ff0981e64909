using System.ComponentModel;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatBackup.IntegrationTests.Host;

namespace ChatBackup.IntegrationTests.Teams;

/// <summary>
/// The real Microsoft 365 Agents Playground (npm <c>@microsoft/m365agentsplayground</c>, pinned in
/// tests/playground), driven over the same HTTP API and websocket its web UI uses:
/// <list type="bullet">
/// <item><c>GET /_internal/v1/config</c>: the fake tenant, bot, users and conversations;</item>
/// <item><c>POST /_conversation/v1/conversations/{id}/messages</c>: a user types a message;</item>
/// <item><c>POST /_conversation/v1/invoke</c>: a user clicks an <c>Action.Execute</c> button;</item>
/// <item><c>/_ws_conversation/v1/conversations/stream</c>: <c>createMessage</c> / <c>updateMessage</c>
/// pushes, from which the UI renders the conversation. <see cref="Messages"/> is that view.</item>
/// </list>
/// The bot's replies reach it through its fake Bot Connector under <c>/_connector</c>.
/// </summary>
internal sealed class AgentsPlayground : IAsyncDisposable
{
    public const string WebSocketPath = "/_ws_conversation/v1/conversations/stream";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan NpmTimeout = TimeSpan.FromMinutes(3);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _workingDirectory;
    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, JsonObject> _messages = new(StringComparer.Ordinal);
    private readonly List<string> _events = [];
    private readonly List<(string Action, JsonObject Message)> _history = [];
    private readonly SemaphoreSlim _changed = new(0);
    private Task? _receive;

    private AgentsPlayground(Process process, string workingDirectory, int port)
    {
        _process = process;
        _workingDirectory = workingDirectory;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    /// <summary>From <c>/_internal/v1/config</c>.</summary>
    public JsonObject Config { get; private set; } = [];

    public string BotId => Config["bot"]!["id"]!.GetValue<string>();

    public string BotName => Config["bot"]!["name"]!.GetValue<string>();

    /// <summary>The user the playground's UI always acts as.</summary>
    public JsonObject CurrentUser => Config["currentUser"]!.AsObject();

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>What the playground's UI shows: every message by id, as last created or updated.</summary>
    public IReadOnlyList<JsonObject> Messages
    {
        get
        {
            lock (_messages)
            {
                return _messages.Values.Select(m => (JsonObject)m.DeepClone()).ToList();
            }
        }
    }

    /// <summary>Every push in order: each version of each message, as the UI received it.</summary>
    public IReadOnlyList<(string Action, JsonObject Message)> History
    {
        get
        {
            lock (_messages)
            {
                return _history.Select(h => (h.Action, (JsonObject)h.Message.DeepClone())).ToList();
            }
        }
    }

    /// <summary>The order of pushes, e.g. <c>createMessage 1795…</c>, for failure messages.</summary>
    public string Events
    {
        get
        {
            lock (_messages)
            {
                return string.Join('\n', _events);
            }
        }
    }

    public JsonObject User(string name) =>
        Config["users"]!.AsArray().Append(CurrentUser).Select(u => u!.AsObject()).First(u => u["name"]!.GetValue<string>() == name);

    /// <summary>
    /// Starts the playground (after <c>npm ci</c> in tests/playground when it is not installed) on a
    /// free port against <paramref name="botEndpoint"/>, which must already answer: the playground
    /// binds its port only once the bot is reachable.
    /// </summary>
    public static async Task<AgentsPlayground> StartAsync(Uri botEndpoint)
    {
        var folder = Path.Combine(PublishedHostFixture.RepoRoot(), "tests", "playground");
        var cli = Path.Combine(folder, "node_modules", "@microsoft", "m365agentsplayground", "cli.js");
        var node = FindOnPath("node") ?? throw new InvalidOperationException("node was not found on PATH: install Node.js 20+ (apt-get install -y nodejs npm) to run the Agents Playground tests.");
        if (!File.Exists(cli))
        {
            await NpmCiAsync(folder);
        }

        var port = ChildProcess.FreePort();

        // Its own working directory: the playground writes ./devTools/m365agentsplayground.log there.
        var workingDirectory = Directory.CreateTempSubdirectory("chatbackup-playground-").FullName;
        var info = new ProcessStartInfo(node)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[cli, "-e", botEndpoint.AbsoluteUri, "-c", "msteams", "-p", $"{port}", "--dt"])
        {
            info.ArgumentList.Add(argument);
        }

        // Without it the playground tries to open a browser and exits 1 on a machine without one.
        info.Environment["TEAMSAPPTESTER_BROWSER"] = "none";

        var process = new Process { StartInfo = info };
        var playground = new AgentsPlayground(process, workingDirectory, port);
        process.OutputDataReceived += (_, e) => playground.Append(e.Data);
        process.ErrorDataReceived += (_, e) => playground.Append(e.Data);
        Assert.True(process.Start(), $"could not start {node} {cli}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();

        try
        {
            await playground.WaitUntilReadyAsync();
            await playground.ConnectAsync();
        }
        catch
        {
            await playground.DisposeAsync();
            throw;
        }

        return playground;
    }

    /// <summary>Types <paramref name="text"/> into conversation <paramref name="conversationId"/> as <paramref name="userId"/>, @mentioning the bot unless it is the personal chat.</summary>
    public async Task<string> SendAsync(string conversationId, string userId, string text, bool mentionBot)
    {
        var mention = $"<at>{BotName}</at>";
        var body = new JsonObject
        {
            ["type"] = "text",
            ["text"] = mentionBot ? $"{mention} {text}" : text,
            ["textFormat"] = "plain",
            ["from"] = new JsonObject { ["id"] = userId },
        };
        if (mentionBot)
        {
            body["mentions"] = new JsonArray(new JsonObject
            {
                ["mentioned"] = new JsonObject { ["id"] = BotId, ["name"] = BotName },
                ["text"] = mention,
            });
        }

        using var response = await Http.PostAsJsonAsync(new Uri($"/_conversation/v1/conversations/{Uri.EscapeDataString(conversationId)}/messages", UriKind.Relative), body);
        var answer = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"the playground refused the message ({(int)response.StatusCode}): {answer}");
        return JsonNode.Parse(answer)!["messageId"]!.ToString();
    }

    /// <summary>
    /// Clicks an <c>Action.Execute</c> button of card message <paramref name="messageId"/> as
    /// <paramref name="userId"/>: the body the UI posts (<c>{name, value: {action: {type, title, verb, data}}, from, conversation, replyToId}</c>).
    /// Returns the bot's invoke response (<c>{type, value}</c>).
    /// </summary>
    public async Task<JsonObject> ExecuteAsync(string conversationId, string userId, string messageId, JsonObject action)
    {
        var body = new JsonObject
        {
            ["name"] = "adaptiveCard/action",
            ["value"] = new JsonObject
            {
                ["action"] = new JsonObject
                {
                    ["type"] = action["type"]!.DeepClone(),
                    ["title"] = action["title"]?.DeepClone(),
                    ["verb"] = action["verb"]!.DeepClone(),
                    ["data"] = action["data"]?.DeepClone(),
                },
            },
            ["from"] = new JsonObject { ["id"] = userId },
            ["conversation"] = new JsonObject { ["id"] = conversationId },
            ["replyToId"] = messageId,
        };
        using var response = await Http.PostAsJsonAsync(new Uri("/_conversation/v1/invoke", UriKind.Relative), body);
        var answer = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"the playground refused the invoke ({(int)response.StatusCode}): {answer}\n{Output}");
        return JsonNode.Parse(answer)!.AsObject();
    }

    /// <summary>Waits until a message in the playground's view matches; fails with what it shows otherwise.</summary>
    public Task<JsonObject> WaitForMessageAsync(string what, Func<JsonObject, bool> match, TimeSpan timeout) =>
        WaitAsync(what, () => Messages.FirstOrDefault(match), timeout);

    /// <summary>Waits until a push (any version of a message, even one since replaced) matches.</summary>
    public Task<JsonObject> WaitForPushAsync(string what, Func<string, JsonObject, bool> match, TimeSpan timeout) =>
        WaitAsync(what, () => History.Where(h => match(h.Action, h.Message)).Select(h => h.Message).FirstOrDefault(), timeout);

    private async Task<JsonObject> WaitAsync(string what, Func<JsonObject?> find, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var found = find();
            if (found is not null)
            {
                return found;
            }

            var left = timeout - deadline.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                Assert.Fail($"The playground never showed {what} within {timeout.TotalSeconds:0} s. It shows:\n{Describe()}\nPushes:\n{Events}\nPlayground output:\n{Output}");
            }

            await _changed.WaitAsync(left < TimeSpan.FromMilliseconds(500) ? left : TimeSpan.FromMilliseconds(500));
        }
    }

    /// <summary>The text a person reads on a message: its text and every TextBlock and fact of its cards.</summary>
    public static string Visible(JsonObject message)
    {
        var text = new StringBuilder();
        if (message["text"] is { } plain)
        {
            text.AppendLine(plain.ToString());
        }

        foreach (var attachment in message["attachments"]?.AsArray() ?? [])
        {
            Collect(attachment?["content"], text);
        }

        return text.ToString();
    }

    /// <summary>The first <c>Action.Execute</c> with <paramref name="verb"/> anywhere in the message's cards.</summary>
    public static JsonObject? FindExecute(JsonObject message, string verb) =>
        Walk(message["attachments"]).OfType<JsonObject>()
            .FirstOrDefault(o => o["type"]?.ToString() == "Action.Execute" && o["verb"]?.ToString() == verb);

    public string Describe() =>
        string.Join("\n---\n", Messages.Select(m => $"[{m["messageId"]}] from {m["from"]?["id"]}:\n{Visible(m).TrimEnd()}"));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var close = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, close.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The playground may already be gone.
        }

        if (_receive is not null)
        {
            await _receive.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        _socket.Dispose();
        Http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already reaped.
        }

        _process.Dispose();
        _stop.Dispose();
        _changed.Dispose();
        try
        {
            Directory.Delete(_workingDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A log file still being flushed; it is in the temp folder anyway.
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(_process.HasExited, $"the Agents Playground exited ({(_process.HasExited ? _process.ExitCode : 0)}) before answering:\n{Output}");
            try
            {
                using var response = await Http.GetAsync(new Uri("/_internal/v1/config", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    Config = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["config"]!.AsObject();
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet: it binds once the bot's endpoint answers.
            }

            Assert.True(deadline.Elapsed < StartTimeout, $"the Agents Playground did not answer within {StartTimeout.TotalSeconds:0} s:\n{Output}");
            await Task.Delay(200);
        }
    }

    private async Task ConnectAsync()
    {
        var uri = new UriBuilder(BaseAddress) { Scheme = "ws", Path = WebSocketPath }.Uri;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _socket.ConnectAsync(uri, timeout.Token);
        _receive = Task.Run(ReceiveAsync);
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (!_stop.IsCancellationRequested && _socket.State == WebSocketState.Open)
        {
            WebSocketReceiveResult result;
            try
            {
                result = await _socket.ReceiveAsync(buffer, _stop.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                return;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            message.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage)
            {
                continue;
            }

            Apply(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length));
            message.SetLength(0);
        }
    }

    /// <summary>What the UI's reducer does with a push: createMessage adds, updateMessage replaces by messageId.</summary>
    private void Apply(string json)
    {
        JsonObject push;
        try
        {
            push = JsonNode.Parse(json)!.AsObject();
        }
        catch (JsonException)
        {
            return;
        }

        var action = push["action"]?.ToString();
        if (push["message"] is JsonObject pushed && pushed["messageId"]?.ToString() is { } id && action is "createMessage" or "updateMessage")
        {
            lock (_messages)
            {
                _messages[id] = (JsonObject)pushed.DeepClone();
                _history.Add((action, (JsonObject)pushed.DeepClone()));
                _events.Add($"{action} {id} in {push["actionConversationId"]}");
            }

            _changed.Release();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static void Collect(JsonNode? node, StringBuilder text)
    {
        switch (node)
        {
            case JsonObject o when o["type"]?.ToString() == "TextBlock":
                text.AppendLine(o["text"]?.ToString());
                break;
            case JsonObject o when o["type"]?.ToString() == "FactSet":
                foreach (var fact in o["facts"]?.AsArray() ?? [])
                {
                    text.AppendLine($"{fact?["title"]}: {fact?["value"]}");
                }

                break;
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    if (key != "fallback")
                    {
                        Collect(value, text);
                    }
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    Collect(item, text);
                }

                break;
        }
    }

    private static IEnumerable<JsonNode> Walk(JsonNode? node)
    {
        if (node is null)
        {
            yield break;
        }

        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children)
        {
            foreach (var descendant in Walk(child))
            {
                yield return descendant;
            }
        }
    }

    private static async Task NpmCiAsync(string folder)
    {
        var npm = FindOnPath("npm") ?? throw new InvalidOperationException("npm was not found on PATH: install Node.js 20+ with npm (apt-get install -y nodejs npm) to run the Agents Playground tests.");
        var info = new ProcessStartInfo(npm)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["ci", "--no-audit", "--no-fund"])
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {npm} ci");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"could not start {npm} ci in {folder}", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(NpmTimeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"npm ci in {folder} did not finish within {NpmTimeout}.");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in {folder} failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
            }
        }
    }

    private static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var candidate in OperatingSystem.IsWindows() ? [Path.Combine(dir, name + ".exe"), Path.Combine(dir, name + ".cmd")] : (string[])[Path.Combine(dir, name)])
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
