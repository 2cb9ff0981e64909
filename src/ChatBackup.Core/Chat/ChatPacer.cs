using ChatBackup.Core.Operations;

namespace ChatBackup.Core.Chat;

/// <summary>At most <see cref="Limit"/> calls start in any <see cref="Window"/>.</summary>
public sealed record ChatRate(int Limit, TimeSpan Window);

/// <summary>The per-conversation message rates the chat platforms publish (PROTOCOLS.md).</summary>
public static class ChatRates
{
    /// <summary>
    /// Slack allows about one message per second per channel. It tolerates short bursts but does
    /// not say how long, so the documented rate is kept strictly: a second message waits ≤ 1 s.
    /// </summary>
    public static IReadOnlyList<ChatRate> Slack(int messagesPerSecond = 1) =>
        [new(messagesPerSecond, TimeSpan.FromSeconds(1))];

    /// <summary>
    /// Teams limits a bot per thread to 7 sends per 1 s, 8 per 2 s and 60 per 30 s (and 1800 per hour,
    /// which a chat-ops card never approaches, so it is not tracked to keep the history short). A
    /// different per-second figure scales the longer windows alike, so raising it really raises the pace.
    /// </summary>
    public static IReadOnlyList<ChatRate> Teams(int sendsPerSecond = 7) =>
    [
        new(sendsPerSecond, TimeSpan.FromSeconds(1)),
        new(Scaled(8, sendsPerSecond), TimeSpan.FromSeconds(2)),
        new(Scaled(60, sendsPerSecond), TimeSpan.FromSeconds(30)),
    ];

    private static int Scaled(int limit, int sendsPerSecond) =>
        (int)Math.Min(int.MaxValue, Math.Max(1L, (long)limit * sendsPerSecond / 7));
}

/// <summary>
/// Keeps chat calls within a platform's per-conversation rate. Every conversation gets a lane that
/// starts one call at a time, in order of arrival, no faster than its <see cref="ChatRate"/>s allow.
/// Sends (cards, notifications, private messages) are always delivered; a card update that is still
/// waiting when a newer one for the same message arrives takes the newer content and its caller
/// completes at once, because only the latest state of a card matters.
/// </summary>
/// <remarks>
/// The API clients already wait out <c>Retry-After</c> inside a call, so the lane stays blocked while
/// they do. When a call finally fails with a <see cref="ChatDeliveryException.RetryAfter"/> the client
/// did not wait, and the lane holds the next call back for that long instead of hitting the limit again.
/// </remarks>
public sealed class ChatPacer
{
    private readonly IReadOnlyList<ChatRate> _rates;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _longestWindow;
    private readonly int _historyLength;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    private DateTimeOffset _lastSweep;

    public ChatPacer(IReadOnlyList<ChatRate> rates, TimeProvider timeProvider)
    {
        if (rates.Count == 0 || rates.Any(r => r.Limit < 1 || r.Window <= TimeSpan.Zero))
        {
            throw new ArgumentException("Each rate needs a positive limit and window.", nameof(rates));
        }

        _rates = rates;
        _timeProvider = timeProvider;
        _longestWindow = rates.Max(r => r.Window);
        _historyLength = rates.Max(r => r.Limit);
        _lastSweep = timeProvider.GetUtcNow();
    }

    /// <summary>Lanes currently kept; idle ones are dropped once their rate history has expired.</summary>
    internal int LaneCount
    {
        get
        {
            lock (_gate)
            {
                return _lanes.Count;
            }
        }
    }

    /// <summary>The lane of a conversation: the platform's own rate applies per channel or conversation.</summary>
    public static string LaneKey(ConversationRef conversation) =>
        $"{conversation.Platform}:{conversation.TeamId}:{conversation.ChannelId}";

    /// <summary>Runs <paramref name="send"/> in its turn; never dropped nor merged.</summary>
    public async Task<T> SendAsync<T>(string laneKey, Func<CancellationToken, Task<T>> send, CancellationToken cancellationToken)
    {
        T result = default!;
        await Enqueue(laneKey, messageId: null, async ct => result = await send(ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Runs <paramref name="send"/> in its turn; never dropped nor merged.</summary>
    public Task SendAsync(string laneKey, Func<CancellationToken, Task> send, CancellationToken cancellationToken) =>
        Enqueue(laneKey, messageId: null, send, cancellationToken);

    /// <summary>
    /// Runs <paramref name="update"/> in its turn unless a newer update of <paramref name="messageId"/>
    /// arrives first; then this call completes successfully and only the newer one is sent.
    /// </summary>
    public Task UpdateAsync(string laneKey, string messageId, Func<CancellationToken, Task> update, CancellationToken cancellationToken) =>
        Enqueue(laneKey, messageId, update, cancellationToken);

    private Task Enqueue(string laneKey, string? messageId, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        var waiter = new Waiter(work, cancellationToken);
        bool start;
        lock (_gate)
        {
            SweepIdleLanes();
            if (!_lanes.TryGetValue(laneKey, out var lane))
            {
                lane = new Lane();
                _lanes.Add(laneKey, lane);
            }

            Item item;
            if (messageId is not null && lane.WaitingUpdates.TryGetValue(messageId, out var waiting))
            {
                // Latest wins, in the place the first waiting update took, so updates never overtake sends.
                var superseded = waiting.Waiter;
                superseded.Registration.Unregister();
                superseded.Completion.TrySetResult();
                waiting.Waiter = waiter;
                item = waiting;
            }
            else
            {
                item = new Item(messageId, waiter);
                item.Node = lane.Queue.AddLast(item);
                if (messageId is not null)
                {
                    lane.WaitingUpdates[messageId] = item;
                }
            }

            start = !lane.Running;
            lane.Running = true;

            // Registered last: a token cancelled meanwhile runs the callback here, re-entering the lock.
            waiter.Registration = cancellationToken.Register(() => Cancel(lane, item, waiter));
            if (start)
            {
                _ = Task.Run(() => RunAsync(lane), CancellationToken.None);
            }
        }

        return waiter.Completion.Task;
    }

    private void Cancel(Lane lane, Item item, Waiter waiter)
    {
        lock (_gate)
        {
            // Only a waiter still queued is withdrawn; a running one sees the token itself.
            if (item.Waiter != waiter || item.Node?.List is null)
            {
                return;
            }

            lane.Queue.Remove(item.Node);
            item.Node = null;
            if (item.MessageId is not null)
            {
                lane.WaitingUpdates.Remove(item.MessageId);
            }
        }

        waiter.Completion.TrySetCanceled(waiter.CancellationToken);
    }

    private async Task RunAsync(Lane lane)
    {
        Action? completePrevious = null;
        while (true)
        {
            Waiter? waiter = null;
            var wait = TimeSpan.Zero;
            lock (_gate)
            {
                if (lane.Queue.First is not { } first)
                {
                    lane.Running = false;
                }
                else
                {
                    var now = _timeProvider.GetUtcNow();
                    wait = WaitBeforeNext(lane, now);
                    if (wait <= TimeSpan.Zero)
                    {
                        // Taken off the queue only now, so updates arriving during the wait still merge into it.
                        waiter = Dequeue(lane, first.Value, now);
                    }
                }
            }

            // The previous caller hears back only once the lane has settled, so whatever it does next
            // (including dropping the lane as idle) sees the lane's current state.
            completePrevious?.Invoke();
            completePrevious = null;
            if (waiter is not null)
            {
                completePrevious = await RunOneAsync(lane, waiter).ConfigureAwait(false);
            }
            else if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _timeProvider).ConfigureAwait(false);
            }
            else
            {
                return;
            }
        }
    }

    private Waiter Dequeue(Lane lane, Item item, DateTimeOffset now)
    {
        lane.Queue.RemoveFirst();
        item.Node = null;
        if (item.MessageId is not null)
        {
            lane.WaitingUpdates.Remove(item.MessageId);
        }

        item.Waiter.Registration.Unregister();
        lane.Started.Add(now);
        if (lane.Started.Count >= 2 * _historyLength)
        {
            // Trimmed in halves so a long-lived lane costs amortised O(1) per call.
            lane.Started.RemoveRange(0, lane.Started.Count - _historyLength);
        }

        return item.Waiter;
    }

    /// <summary>Runs one call and returns how to tell its caller the outcome.</summary>
    private async Task<Action> RunOneAsync(Lane lane, Waiter waiter)
    {
        try
        {
            await waiter.Work(waiter.CancellationToken).ConfigureAwait(false);
            return () => waiter.Completion.TrySetResult();
        }
        catch (OperationCanceledException) when (waiter.CancellationToken.IsCancellationRequested)
        {
            return () => waiter.Completion.TrySetCanceled(waiter.CancellationToken);
        }
        catch (Exception e)
        {
            if (e is ChatDeliveryException { RetryAfter: { } retryAfter } && retryAfter > TimeSpan.Zero)
            {
                lock (_gate)
                {
                    lane.NotBefore = _timeProvider.GetUtcNow() + retryAfter;
                }
            }

            return () => waiter.Completion.TrySetException(e);
        }
    }

    /// <summary>How long until every rate allows another start: the Limit-th latest start must have left its window.</summary>
    private TimeSpan WaitBeforeNext(Lane lane, DateTimeOffset now)
    {
        var wait = lane.NotBefore - now;
        var started = lane.Started;
        foreach (var rate in _rates)
        {
            if (started.Count >= rate.Limit)
            {
                var free = started[^rate.Limit] + rate.Window - now;
                if (free > wait)
                {
                    wait = free;
                }
            }
        }

        return wait;
    }

    /// <summary>
    /// Drops lanes with nothing queued whose history can no longer delay anything, at most once per
    /// window, so many one-off channels do not accumulate while a busy channel keeps its history.
    /// </summary>
    private void SweepIdleLanes()
    {
        var now = _timeProvider.GetUtcNow();
        if (now - _lastSweep < _longestWindow)
        {
            return;
        }

        _lastSweep = now;
        foreach (var (key, lane) in _lanes.ToList())
        {
            if (!lane.Running
                && lane.NotBefore <= now
                && (lane.Started.Count == 0 || lane.Started[^1] + _longestWindow <= now))
            {
                _lanes.Remove(key);
            }
        }
    }

    private sealed class Lane
    {
        public LinkedList<Item> Queue { get; } = new();

        public Dictionary<string, Item> WaitingUpdates { get; } = new(StringComparer.Ordinal);

        /// <summary>Start times of the latest calls, at least as many as the largest limit needs.</summary>
        public List<DateTimeOffset> Started { get; } = [];

        public DateTimeOffset NotBefore { get; set; } = DateTimeOffset.MinValue;

        public bool Running { get; set; }
    }

    private sealed class Item(string? messageId, Waiter waiter)
    {
        public string? MessageId { get; } = messageId;

        public Waiter Waiter { get; set; } = waiter;

        public LinkedListNode<Item>? Node { get; set; }
    }

    private sealed class Waiter(Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        public Func<CancellationToken, Task> Work { get; } = work;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        /// <summary>Continuations run elsewhere so a caller never runs on (and holds up) the lane.</summary>
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Registration { get; set; }
    }
}
