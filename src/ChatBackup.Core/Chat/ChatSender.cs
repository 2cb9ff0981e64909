using System.Threading.Channels;
using ChatBackup.Core.Cards;
using ChatBackup.Core.Operations;
using ChatBackup.Core.Options;
using ChatBackup.Core.Running;
using Microsoft.Extensions.Logging;

namespace ChatBackup.Core.Chat;

/// <summary>Tells the chat sender that an operation changed, so its card and replies catch up.</summary>
public interface IChatOutbox
{
    /// <summary>Cheap and never blocks: the work happens on the sender's own loop, not the caller's thread.</summary>
    void Enqueue(Operation operation);
}

/// <summary>
/// Sends every operation's card, updates and replies, off the job workers, within each platform's
/// rate limits. The operation record is the outbox (<see cref="ChatWorks"/>): the sender renders
/// what it finds missing at the moment it is the operation's turn, so a backlog of progress changes
/// becomes one update and nothing due is dropped. Each conversation is a lane that starts one call at
/// a time no faster than the platform allows; replies go before cards and cards before progress.
/// </summary>
/// <remarks>
/// A call is made under a lease written to the operation (<see cref="Operation.Sending"/>), so two
/// replicas never send the same thing at once. A lease left by a process that died marks the post as
/// uncertain: the next sender asks the platform whether the marked message exists before posting
/// again. A sweep finds what a dead process left (<see cref="IOperationStore.ListChatDueAsync"/>).
/// Rates are kept per process: with several replicas a 429's <c>Retry-After</c> is the backstop.
/// </remarks>
public sealed partial class ChatSender(
    IOperationStore store,
    ChatGateways chat,
    BackupOptions options,
    TimeProvider clock,
    ILogger<ChatSender> logger) : IChatOutbox
{
    /// <summary>Calls in flight across all lanes.</summary>
    public const int MaxConcurrentSends = 32;

    private static readonly TimeSpan LookBackSkew = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan LongestWindow = TimeSpan.FromHours(1);

    private readonly Channel<Signal> _signals = Channel.CreateUnbounded<Signal>(new UnboundedChannelOptions { SingleReader = true });

    // Owned by the loop.
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LaneQueue> _queues = new(StringComparer.Ordinal);
    // Lanes that may start a call now, most urgent head first (a reply in one channel goes before a
    // card in another); an entry whose key no longer matches its lane's is stale and skipped.
    private readonly PriorityQueue<LaneQueue, (int Priority, long Sequence)> _runnable = new();
    private readonly Dictionary<string, IChatGateway> _lanesOf = new(StringComparer.Ordinal);
    private readonly PriorityQueue<LaneQueue, DateTimeOffset> _timed = new();
    private readonly PriorityQueue<Pending, DateTimeOffset> _delayed = new();
    private readonly ChatLanes _lanes = new();
    private int _inFlight;
    private long _sequence;
    private int _running;

    /// <summary>How long a started call keeps others off, and how long a sweep leaves an operation alone before it counts as abandoned.</summary>
    public TimeSpan Lease => TimeSpan.FromTicks(Math.Max(options.PollInterval.Ticks * 4, TimeSpan.FromSeconds(10).Ticks));

    public void Enqueue(Operation operation) => _signals.Writer.TryWrite(new Signal.Changed(operation));

    /// <summary>The sender's loop; returns when <paramref name="cancellationToken"/> fires and calls in flight have ended.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("The chat sender is already running.");
        }

        using var calls = new CancellationTokenSource();
        var nextSweep = clock.GetUtcNow();
        var nextPrune = nextSweep + TimeSpan.FromMinutes(1);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var now = clock.GetUtcNow();
                if (now >= nextSweep)
                {
                    nextSweep = now + Lease;
                    _ = SweepAsync(now, cancellationToken);
                }

                if (now >= nextPrune)
                {
                    nextPrune = now + TimeSpan.FromMinutes(1);
                    _lanes.Prune(now, LongestWindow);
                }

                while (_signals.Reader.TryRead(out var signal))
                {
                    Handle(signal, now);
                }

                Release(now);
                Dispatch(now, calls.Token);
                await WaitAsync(Earliest(nextSweep), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        // Let calls in flight finish and record what they sent, so a restart does not send it again.
        var deadline = clock.GetUtcNow() + TimeSpan.FromSeconds(10);
        while (_inFlight > 0 && clock.GetUtcNow() < deadline)
        {
            if (_signals.Reader.TryRead(out var signal))
            {
                if (signal is Signal.Completed done)
                {
                    _inFlight--;
                    _lanes.Finish(done.Item.Lanes, null, clock.GetUtcNow());
                }

                continue;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), clock, CancellationToken.None);
        }

        await calls.CancelAsync();

        Interlocked.Exchange(ref _running, 0);
    }

    private void Handle(Signal signal, DateTimeOffset now)
    {
        switch (signal)
        {
            case Signal.Changed changed:
                Add(changed.Operation, now, notBefore: null);
                break;
            case Signal.Completed done:
                _inFlight--;
                _lanes.Finish(done.Item.Lanes, done.PauseUntil, now);
                done.Item.InFlight = false;
                _pending.Remove(done.Item.OperationId);
                if (done.Next is { } next)
                {
                    Add(next, now, done.NotBefore, done.Item.Attempts, afterCall: true);
                }

                if (done.Item.ChangedMeanwhile is { } latest)
                {
                    Add(latest, now, notBefore: null);
                }

                if (_queues.TryGetValue(done.Item.Lanes[0].Key, out var queue))
                {
                    MakeRunnable(queue);
                    Tidy(queue);
                }

                break;
        }
    }

    /// <summary>Puts the operation in its lane, or refreshes its place there; a no-op when its chat is up to date.</summary>
    /// <remarks>
    /// After a call (<paramref name="afterCall"/>), progress alone does not queue the operation again:
    /// the card was just brought up to date, and the next change will ask. A given
    /// <paramref name="notBefore"/> is the sender's own decision and wins over the record's lease.
    /// </remarks>
    private void Add(Operation operation, DateTimeOffset now, DateTimeOffset? notBefore, int attempts = 0, bool afterCall = false)
    {
        if (_pending.TryGetValue(operation.Id, out var existing))
        {
            if (existing.InFlight)
            {
                existing.ChangedMeanwhile = operation;
                return;
            }

            if (existing.Queued is null)
            {
                // Waiting out a back-off or a lease: it is re-read when it is due. A lease can end
                // early, though, and the record it was read from may even have been stale (a step
                // merged this sender's own lease into its save just before the sender cleared it):
                // a newer record without that lease ends the wait.
                if (existing.HeldBy is not { } lease || operation.Version <= existing.Snapshot.Version || operation.Sending == lease)
                {
                    return;
                }

                existing.Dropped = true;
                _pending.Remove(operation.Id);
                Add(operation, now, notBefore: null, existing.Attempts);
                return;
            }

            var refreshed = ChatWorks.Next(operation, now, options.CardUpdateInterval);
            if (refreshed == ChatWork.None || ChatWorks.Priority(refreshed) >= existing.Priority)
            {
                return;
            }

            existing.Queued.Items.Remove(existing);
            existing.Queued = null;
            _pending.Remove(operation.Id);
        }

        var work = ChatWorks.Next(operation, now, options.CardUpdateInterval);
        if ((work == ChatWork.None && operation.Sending is null) || (afterCall && notBefore is null && work == ChatWork.UpdateProgress))
        {
            return;
        }

        var lanes = LanesOf(operation.Conversation).LanesFor(operation.Conversation, ChatWorks.CallOf(work));
        var item = new Pending(operation, lanes, ChatWorks.Priority(work), Interlocked.Increment(ref _sequence)) { Attempts = attempts, Call = ChatWorks.CallOf(work) };
        _pending.Add(operation.Id, item);

        var holdUntil = notBefore;
        if (notBefore is null && operation.Sending is { } sending && sending.Until > now)
        {
            holdUntil = sending.Until;
        }

        if (holdUntil is { } until && until > now)
        {
            // Only a wait for the lease itself ends with it; a back-off (whose record still shows this
            // sender's own lease) keeps its time.
            if (operation.Sending is { } lease && lease.Until == until)
            {
                item.HeldBy = lease;
            }

            _delayed.Enqueue(item, until);
            return;
        }

        Queue(item);
    }

    /// <summary>Lanes depend on the platform's rules only, so one gateway per platform answers for all (no HTTP client is made).</summary>
    private IChatGateway LanesOf(ConversationRef conversation)
    {
        if (!_lanesOf.TryGetValue(conversation.Platform, out var gateway))
        {
            gateway = chat.For(conversation);
            _lanesOf.Add(conversation.Platform, gateway);
        }

        return gateway;
    }

    private void Queue(Pending item)
    {
        var key = item.Lanes[0].Key;
        if (!_queues.TryGetValue(key, out var queue))
        {
            queue = new LaneQueue(key);
            _queues.Add(key, queue);
        }

        queue.Items.Add(item);
        item.Queued = queue;
        MakeRunnable(queue);
    }

    private void MakeRunnable(LaneQueue queue)
    {
        if (queue.Items.Count == 0)
        {
            return;
        }

        var head = queue.Items.Min!;
        var key = (head.Priority, head.Sequence);
        if (!queue.Runnable || key.CompareTo(queue.RunnableKey) < 0)
        {
            queue.Runnable = true;
            queue.RunnableKey = key;
            _runnable.Enqueue(queue, key);
        }
    }

    /// <summary>Forgets a lane's queue once nothing waits in it; its rate history stays in <see cref="ChatLanes"/>.</summary>
    private void Tidy(LaneQueue queue)
    {
        if (queue.Items.Count == 0 && !queue.Runnable && !queue.Timed)
        {
            _queues.Remove(queue.Key);
        }
    }

    /// <summary>Moves back-offs and rate waits that have run out back into play.</summary>
    private void Release(DateTimeOffset now)
    {
        while (_delayed.TryPeek(out var item, out var at) && at <= now)
        {
            _delayed.Dequeue();
            if (!item.Dropped)
            {
                Queue(item);
            }
        }

        while (_timed.TryPeek(out var queue, out var at) && at <= now)
        {
            _timed.Dequeue();
            queue.Timed = false;
            MakeRunnable(queue);
            Tidy(queue);
        }
    }

    private void Dispatch(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var passes = _runnable.Count;
        while (_inFlight < MaxConcurrentSends && passes-- > 0 && _runnable.TryDequeue(out var queue, out var key))
        {
            if (!queue.Runnable || key != queue.RunnableKey)
            {
                continue;
            }

            queue.Runnable = false;
            if (queue.Items.Count == 0)
            {
                _queues.Remove(queue.Key);
                continue;
            }

            var head = queue.Items.Min!;
            if (!_lanes.HasRoom(head.Lanes))
            {
                // A call in this lane is in flight (its completion makes the lane runnable again), or a
                // shared lane is full: look again shortly.
                if (!_lanes.HasRoom([head.Lanes[0]]))
                {
                    continue;
                }

                WaitUntil(queue, now + TimeSpan.FromMilliseconds(50));
                continue;
            }

            var start = _lanes.NextStart(head.Lanes, now);
            if (start > now)
            {
                WaitUntil(queue, start);
                continue;
            }

            queue.Items.Remove(head);
            head.Queued = null;
            head.InFlight = true;
            _inFlight++;
            _lanes.Start(head.Lanes, now);
            _ = Task.Run(() => SendAsync(head, cancellationToken), CancellationToken.None);
            MakeRunnable(queue);
        }
    }

    private void WaitUntil(LaneQueue queue, DateTimeOffset at)
    {
        if (!queue.Timed)
        {
            queue.Timed = true;
            _timed.Enqueue(queue, at);
        }
    }

    private DateTimeOffset Earliest(DateTimeOffset nextSweep)
    {
        var earliest = nextSweep;
        if (_runnable.Count > 0 && _inFlight < MaxConcurrentSends)
        {
            return DateTimeOffset.MinValue;
        }

        if (_delayed.TryPeek(out _, out var delayed) && delayed < earliest)
        {
            earliest = delayed;
        }

        if (_timed.TryPeek(out _, out var timed) && timed < earliest)
        {
            earliest = timed;
        }

        return earliest;
    }

    private async Task WaitAsync(DateTimeOffset until, CancellationToken cancellationToken)
    {
        var wait = until - clock.GetUtcNow();
        if (wait <= TimeSpan.Zero)
        {
            await Task.Yield();
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(wait, clock, timeout.Token);
        var signal = _signals.Reader.WaitToReadAsync(timeout.Token).AsTask();
        await Task.WhenAny(delay, signal);
        await timeout.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// Sends what is due for one operation right now, ignoring rates and lanes, until nothing is due
    /// or a call must be retried later. For tools and tests that drive the core step by step; the
    /// running service uses <see cref="RunAsync"/>.
    /// </summary>
    public async Task FlushAsync(string operationId, CancellationToken cancellationToken)
    {
        var operation = await store.GetAsync(operationId, cancellationToken);
        for (var call = 0; call < 10 && operation is not null; call++)
        {
            var item = new Pending(operation, [], 0, 0);
            var done = await SendOnceAsync(item, cancellationToken);
            if (done.NotBefore is not null || done.Next is not { } next
                || ChatWorks.Next(next, clock.GetUtcNow(), options.CardUpdateInterval) is ChatWork.None or ChatWork.UpdateProgress)
            {
                return;
            }

            operation = next;
        }
    }

    /// <summary>Queues what nobody is sending: left by a process that died, or due before this one started.</summary>
    private async Task SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var due = await store.ListChatDueAsync(now - Lease, 1000, cancellationToken);
            foreach (var operation in due)
            {
                Enqueue(operation);
            }

            if (due.Count > 0)
            {
                LogSwept(logger, due.Count);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSweepFailed(logger, ex);
        }
    }

    /// <summary>One call for one operation, on a pool thread; reports back to the loop.</summary>
    private async Task SendAsync(Pending item, CancellationToken cancellationToken)
    {
        Signal.Completed result;
        try
        {
            result = await SendOnceAsync(item, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            result = new Signal.Completed(item, null, null, null);
        }
        catch (Exception ex)
        {
            LogSendFailed(logger, item.OperationId, ex);
            result = Retry(item, item.Snapshot, null);
        }

        _signals.Writer.TryWrite(result);
    }

    private async Task<Signal.Completed> SendOnceAsync(Pending item, CancellationToken cancellationToken)
    {
        // What to send is decided on the record the lease is written to, never on an earlier read:
        // another sender may have sent it in between.
        var now = clock.GetUtcNow();
        var work = ChatWork.None;
        var held = false;
        var wrongLane = false;
        ChatSending? prior = null;
        var (leased, won) = await store.UpdateAsync(
            item.OperationId,
            o =>
            {
                held = o.Sending is { } other && other.Until > now;
                if (held)
                {
                    return null;
                }

                prior = o.Sending;
                work = ChatWorks.Next(o, now, options.CardUpdateInterval);

                // Queued for one kind of call, due another (a reply became due during a back-off):
                // it goes back to the lanes that pace that kind instead of skipping their rates.
                wrongLane = work != ChatWork.None && item.Call is { } call && call != ChatWorks.CallOf(work);
                if (wrongLane)
                {
                    return null;
                }

                if (work == ChatWork.None)
                {
                    // Nothing to send; only a lease that ran out to clear.
                    return o.Sending is null ? null : o with { Sending = null };
                }

                return o with { Sending = new ChatSending(Purpose(work), now, now + Lease) };
            },
            cancellationToken);
        if (wrongLane && leased is not null)
        {
            return new Signal.Completed(item, null, leased, null);
        }

        if (held && leased is not null)
        {
            // Another sender holds the lease: look again when it runs out, in case that sender died.
            return new Signal.Completed(item, null, leased, leased.Sending?.Until ?? now);
        }

        if (leased is null || !won || work == ChatWork.None)
        {
            return new Signal.Completed(item, null, null, null);
        }

        var purpose = Purpose(work);
        var lease = leased.Sending!;

        // A lease for the same post that ran out without being recorded: that post may be in the chat.
        var uncertainSince = prior is { } p && p.Purpose == purpose ? p.Since : (DateTimeOffset?)null;
        var gateway = chat.For(leased.Conversation);
        try
        {
            var saved = await DoAsync(gateway, leased, work, now, uncertainSince, cancellationToken);
            item.Attempts = 0;
            return new Signal.Completed(item, null, saved, null);
        }
        catch (ChatDeliveryException ex) when (ex.IsRetryable)
        {
            LogRetrying(logger, leased.Id, ex.Code, ex.RetryAfter);

            // A 429 means the call was refused, so nothing was posted; other failures (a timeout) may have posted it.
            var refused = ex.RetryAfter is not null;
            var keepUncertainSince = refused ? uncertainSince : uncertainSince ?? lease.Since;
            await ReleaseAsync(leased.Id, lease, o => o with
            {
                Sending = keepUncertainSince is { } since ? new ChatSending(purpose, since, clock.GetUtcNow()) : null,
            });
            return Retry(item, leased, ex.RetryAfter is { } after ? clock.GetUtcNow() + after : null);
        }
        catch (ChatDeliveryException ex)
        {
            LogGaveUp(logger, leased.Id, purpose, ex.Code);
            var shown = leased.State;
            var given = clock.GetUtcNow();
            var saved = await ReleaseAsync(leased.Id, lease, o => (work switch
            {
                ChatWork.PostCard => o with { CardError = ex.Code },
                ChatWork.Notify => o with { NotificationSent = true },
                ChatWork.NotifyCopy => o with { CopyNotificationSent = true },
                _ => o with { CardState = shown, CardUpdatedAt = given },
            }) with { Sending = null });
            return new Signal.Completed(item, null, saved, null);
        }
    }

    /// <summary>Makes the call and records it, clearing the lease in the same write.</summary>
    private async Task<Operation?> DoAsync(
        IChatGateway gateway, Operation operation, ChatWork work, DateTimeOffset now, DateTimeOffset? uncertainSince, CancellationToken cancellationToken)
    {
        var conversation = operation.Conversation;
        var shown = operation.State;
        switch (work)
        {
            case ChatWork.PostCard:
            {
                var mark = new MessageMark(operation.Id, MessageMark.Card);
                if (await FindAsync(gateway, conversation, null, mark, uncertainSince, cancellationToken) is { } found)
                {
                    // The lost post showed an older state than this one: leave the card due an update.
                    return await RecordAsync(operation.Id, o => o with { CardMessageId = found, CardUpdatedAt = null, CardState = null }, cancellationToken);
                }

                var id = await gateway.PostCardAsync(conversation, OperationCards.For(operation, now), mark, cancellationToken);
                CrashPoints.Hit(CrashPoints.CardPosted);
                return await RecordAsync(operation.Id, o => o with { CardMessageId = id, CardUpdatedAt = now, CardState = shown }, cancellationToken);
            }

            case ChatWork.Notify or ChatWork.NotifyCopy:
            {
                var copy = work == ChatWork.NotifyCopy;
                var mark = new MessageMark(operation.Id, copy ? MessageMark.CopyNotification : MessageMark.Notification);
                if (await FindAsync(gateway, conversation, operation.CardMessageId, mark, uncertainSince, cancellationToken) is null)
                {
                    await gateway.PostNotificationAsync(conversation, operation.CardMessageId, OperationCards.AmiAvailable(operation, copy), mark, cancellationToken);
                }

                CrashPoints.Hit(CrashPoints.NotificationPosted);
                var saved = await RecordAsync(
                    operation.Id, o => copy ? o with { CopyNotificationSent = true } : o with { NotificationSent = true }, cancellationToken);
                LogNotified(logger, operation.Id, mark.Purpose);
                return saved;
            }

            default:
                await gateway.UpdateCardAsync(conversation, operation.CardMessageId!, OperationCards.For(operation, now), cancellationToken);
                return await RecordAsync(operation.Id, o => o with { CardUpdatedAt = now, CardState = shown }, cancellationToken);
        }
    }

    private async Task<string?> FindAsync(
        IChatGateway gateway, ConversationRef conversation, string? thread, MessageMark mark, DateTimeOffset? uncertainSince, CancellationToken cancellationToken)
    {
        if (uncertainSince is not { } since)
        {
            return null;
        }

        if (!gateway.CanFindPosted)
        {
            LogCannotLook(logger, mark.OperationId, mark.Purpose);
            return null;
        }

        var found = await gateway.FindPostedAsync(conversation, thread, mark, since - LookBackSkew, cancellationToken);
        LogLooked(logger, mark.OperationId, mark.Purpose, found is not null);
        return found;
    }

    private async Task<Operation?> RecordAsync(string id, Func<Operation, Operation> change, CancellationToken cancellationToken)
    {
        // The call was made: record it even when shutting down, or a restart would make it again.
        var (saved, _) = await store.UpdateAsync(id, o => change(o) with { Sending = null }, CancellationToken.None);
        return saved;
    }

    /// <summary>Ends this sender's lease (only if it still holds it) with <paramref name="change"/>.</summary>
    private async Task<Operation?> ReleaseAsync(string id, ChatSending lease, Func<Operation, Operation> change)
    {
        var (saved, _) = await store.UpdateAsync(id, o => o.Sending == lease ? change(o) : null, CancellationToken.None);
        return saved;
    }

    private Signal.Completed Retry(Pending item, Operation latest, DateTimeOffset? pauseUntil)
    {
        item.Attempts++;
        var backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, TimeSpan.FromSeconds(1).Ticks << Math.Min(item.Attempts - 1, 10)));
        var notBefore = clock.GetUtcNow() + backoff;
        if (pauseUntil is { } until && until > notBefore)
        {
            notBefore = until;
        }

        return new Signal.Completed(item, pauseUntil, latest, notBefore);
    }

    private static string Purpose(ChatWork work) => work switch
    {
        ChatWork.PostCard => MessageMark.Card,
        ChatWork.Notify => MessageMark.Notification,
        ChatWork.NotifyCopy => MessageMark.CopyNotification,
        _ => "update",
    };

    private abstract record Signal
    {
        public sealed record Changed(Operation Operation) : Signal;

        /// <summary>A call ended. <see cref="Next"/> is the operation to look at again (after <see cref="NotBefore"/>).</summary>
        public sealed record Completed(Pending Item, DateTimeOffset? PauseUntil, Operation? Next, DateTimeOffset? NotBefore) : Signal;
    }

    private sealed class Pending(Operation snapshot, IReadOnlyList<ChatLane> lanes, int priority, long sequence)
    {
        public string OperationId { get; } = snapshot.Id;

        /// <summary>The operation as it was when queued; the call itself reads the latest.</summary>
        public Operation Snapshot { get; } = snapshot;

        public IReadOnlyList<ChatLane> Lanes { get; } = lanes;

        public int Priority { get; } = priority;

        public long Sequence { get; } = sequence;

        public int Attempts { get; set; }

        /// <summary>The kind of call the lanes were chosen for; null when sent without lanes (<see cref="FlushAsync"/>).</summary>
        public ChatCall? Call { get; init; }

        public bool InFlight { get; set; }

        public LaneQueue? Queued { get; set; }

        public Operation? ChangedMeanwhile { get; set; }

        /// <summary>The lease it waits out, when that is why it waits.</summary>
        public ChatSending? HeldBy { get; set; }

        /// <summary>Replaced while it waited; skipped when its time comes.</summary>
        public bool Dropped { get; set; }
    }

    private sealed class LaneQueue(string key)
    {
        private static readonly Comparer<Pending> Order = Comparer<Pending>.Create((a, b) =>
            a.Priority != b.Priority ? a.Priority.CompareTo(b.Priority) : a.Sequence.CompareTo(b.Sequence));

        public string Key { get; } = key;

        public SortedSet<Pending> Items { get; } = new(Order);

        public bool Runnable { get; set; }

        public (int Priority, long Sequence) RunnableKey { get; set; }

        public bool Timed { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Told the channel of {OperationId} ({Purpose})")]
    private static partial void LogNotified(ILogger logger, string operationId, string purpose);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chat call for {OperationId} failed with {Code}; trying again (Retry-After {RetryAfter})")]
    private static partial void LogRetrying(ILogger logger, string operationId, string code, TimeSpan? retryAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The chat refused the {Purpose} of {OperationId} for good: {Code}")]
    private static partial void LogGaveUp(ILogger logger, string operationId, string purpose, string code);

    [LoggerMessage(Level = LogLevel.Error, Message = "Chat call for {OperationId} failed unexpectedly; trying again")]
    private static partial void LogSendFailed(ILogger logger, string operationId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Found {Count} operations whose chat was left behind")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not look for operations whose chat was left behind")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Purpose} of {OperationId} may have been posted before a crash; this platform cannot look, so it is posted again")]
    private static partial void LogCannotLook(ILogger logger, string operationId, string purpose);

    [LoggerMessage(Level = LogLevel.Information, Message = "Looked for the {Purpose} of {OperationId} posted before a crash: found {Found}")]
    private static partial void LogLooked(ILogger logger, string operationId, string purpose, bool found);
}
