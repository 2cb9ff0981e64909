using ChatBackup.Core.Chat;
using ChatBackup.Core.Operations;
using ChatBackup.Core.Options;
using ChatBackup.Testing.Chat;
using ChatBackup.Testing.Operations;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ChatBackup.UnitTests.Core;

/// <summary>
/// The chat sender on real time: rates per conversation, coalescing, priorities, 429s, refusals,
/// leases between two senders, and posts lost in a crash.
/// </summary>
public sealed class ChatSenderTests : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly InMemoryOperationStore _store = new(TimeProvider.System);
    private readonly RecordingChatGateway _chat = new();
    private readonly BackupOptions _options = new() { PollInterval = TimeSpan.FromSeconds(1), CardUpdateInterval = TimeSpan.Zero };
    private readonly List<(ChatSender Sender, CancellationTokenSource Stop, Task Loop)> _running = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, stop, loop) in _running)
        {
            await stop.CancelAsync();
            await loop;
            stop.Dispose();
        }
    }

    [Fact]
    public async Task PostsInOneConversation_KeepToItsRate_WhileOtherConversationsGoOn()
    {
        _chat.PostRates = [new ChatRate(2, TimeSpan.FromSeconds(1))];
        var sender = Start();
        var busy = await AddRunningAsync(6, "C0BUSY");
        var quiet = await AddRunningAsync(2, "C0QUIET");

        foreach (var op in busy.Concat(quiet))
        {
            sender.Enqueue(op);
        }

        await WaitAsync(() => _chat.OfKind("post").Count == 8);

        var busyPosts = _chat.OfKind("post").Where(m => m.Conversation.ChannelId == "C0BUSY").Select(m => m.At).Order().ToList();
        for (var i = 2; i < busyPosts.Count; i++)
        {
            // Two per second: the third call starts at least a second after the first.
            Assert.True(busyPosts[i] - busyPosts[i - 2] >= TimeSpan.FromMilliseconds(950), $"posts {i - 2} and {i} were {(busyPosts[i] - busyPosts[i - 2]).TotalMilliseconds} ms apart");
        }

        var quietDone = _chat.OfKind("post").Where(m => m.Conversation.ChannelId == "C0QUIET").Max(m => m.At);
        Assert.True(quietDone < busyPosts[^1], "the quiet channel waited behind the busy one");
        Assert.All(busy.Concat(quiet), op => Assert.NotNull(_store.GetAsync(op.Id, None).Result!.CardMessageId));
    }

    [Fact]
    public async Task ProgressWaitingForItsTurn_IsSentOnceWithTheLatestState()
    {
        _chat.PostRates = [new ChatRate(1, TimeSpan.FromSeconds(1))];
        var sender = Start();
        var op = (await AddRunningAsync(1, "C0OPS"))[0];
        op = (await _store.UpdateAsync(op.Id, o => o with { CardMessageId = "msg-0", CardState = OperationState.Running, CardUpdatedAt = DateTimeOffset.UtcNow }, None)).Operation!;
        var blocker = (await AddRunningAsync(1, "C0OPS"))[0];

        // The blocker's card takes the lane's one call of this second; meanwhile progress moves on ten times.
        sender.Enqueue(blocker);
        await WaitAsync(() => _chat.OfKind("post").Count == 1);
        for (var percent = 10; percent <= 100; percent += 10)
        {
            var shown = percent;
            op = (await _store.UpdateAsync(op.Id, o => o with { ProgressPercent = shown }, None)).Operation!;
            sender.Enqueue(op);
        }

        await WaitAsync(() => _chat.OfKind("update").Count >= 1);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var update = Assert.Single(_chat.OfKind("update"));
        Assert.Equal(100, Assert.Single(update.Card.Blocks.OfType<ChatBackup.Core.Cards.ProgressBlock>()).Percent);
    }

    [Fact]
    public async Task ARepliesJumpsAheadOfProgressInTheSameConversation()
    {
        _chat.PostRates = [new ChatRate(1, TimeSpan.FromSeconds(1))];
        var sender = Start();
        var waiting = await AddRunningAsync(4, "C0OPS");
        var shownLongAgo = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1);
        foreach (var w in waiting)
        {
            await _store.UpdateAsync(w.Id, o => o with { CardMessageId = "msg-" + o.Id, CardState = OperationState.Running, CardUpdatedAt = shownLongAgo }, None);
        }

        var available = (await AddRunningAsync(1, "C0OPS"))[0];
        available = (await _store.UpdateAsync(
            available.Id,
            o => o.WithResource(ResourceKeys.ImageId, "ami-0123456789abcdef0").WithResource(ResourceKeys.ImageAvailable, "2026-11-26T12:00:00Z") with
            {
                CardMessageId = "msg-avail", CardState = OperationState.Running, CardUpdatedAt = DateTimeOffset.UtcNow,
            },
            None)).Operation!;

        foreach (var w in waiting)
        {
            sender.Enqueue((await _store.GetAsync(w.Id, None))!);
        }

        sender.Enqueue(available);
        await WaitAsync(() => _chat.Sent.Count >= 5);

        // At most the call already started when the reply arrived goes before it.
        var order = _chat.Sent.Select(m => m.Kind).ToList();
        Assert.InRange(order.IndexOf("notify"), 0, 1);
        Assert.True((await _store.GetAsync(available.Id, None))!.NotificationSent);
    }

    [Fact]
    public async Task ARepliesJumpsAheadOfCardsWaitingInOtherConversations()
    {
        // Slow calls, so the sender's concurrent slots fill up and a queue forms across conversations.
        _chat.Failure = (_, _) => Thread.Sleep(20);
        var sender = Start();
        var cards = new List<Operation>();
        for (var i = 0; i < 150; i++)
        {
            cards.AddRange(await AddRunningAsync(1, $"C{i:D4}"));
        }

        var available = (await AddRunningAsync(1, "C9999"))[0];
        available = (await _store.UpdateAsync(
            available.Id,
            o => o.WithResource(ResourceKeys.ImageAvailable, "2026-11-26T12:00:00Z") with
            {
                CardMessageId = "msg-avail", CardState = OperationState.Running, CardUpdatedAt = DateTimeOffset.UtcNow,
            },
            None)).Operation!;

        foreach (var op in cards)
        {
            sender.Enqueue(op);
        }

        sender.Enqueue(available);
        await WaitAsync(() => _chat.OfKind("notify").Count == 1);
        var postsBefore = _chat.OfKind("post").Count;
        await WaitAsync(() => _chat.OfKind("post").Count == 150);

        // Only the calls already running when the reply arrived (at most a round of slots) went first.
        Assert.True(postsBefore <= 2 * ChatSender.MaxConcurrentSends, $"{postsBefore} cards went before the reply");
    }

    [Fact]
    public async Task A429_HoldsTheLaneForRetryAfter_AndTheMessageIsSentOnce()
    {
        var refusals = 0;
        _chat.Failure = (kind, _) =>
        {
            if (kind == "post" && Interlocked.Increment(ref refusals) == 1)
            {
                throw new ChatDeliveryException("ratelimited", "Slack said 429", isRetryable: true, TimeSpan.FromSeconds(1));
            }
        };
        var sender = Start();
        var op = (await AddRunningAsync(1, "C0OPS"))[0];
        var started = DateTimeOffset.UtcNow;

        sender.Enqueue(op);
        await WaitAsync(async () => (await _store.GetAsync(op.Id, None))!.CardMessageId is not null);

        Assert.True(_chat.OfKind("post")[0].At - started >= TimeSpan.FromMilliseconds(950));
        Assert.True(_chat.OfKind("post")[0].At - started < TimeSpan.FromSeconds(5), "the retry waited for the lease instead of Retry-After");
        Assert.Equal(2, refusals);
        var saved = await _store.GetAsync(op.Id, None);
        Assert.Equal("msg-1", saved!.CardMessageId);
        Assert.Null(saved.Sending);
    }

    [Fact]
    public async Task ACardTheChatRefusesForGood_IsNotTriedAgain_AndTheReplyStillGoes()
    {
        var attempts = 0;
        _chat.Failure = (kind, _) =>
        {
            if (kind == "post")
            {
                Interlocked.Increment(ref attempts);
                throw new ChatDeliveryException("channel_not_found", "no such channel", isRetryable: false);
            }
        };
        var sender = Start();
        var op = (await AddRunningAsync(1, "C0GONE"))[0];
        op = (await _store.UpdateAsync(op.Id, o => o.WithResource(ResourceKeys.ImageAvailable, "2026-11-26T12:00:00Z"), None)).Operation!;

        sender.Enqueue(op);
        await WaitAsync(async () => (await _store.GetAsync(op.Id, None))!.NotificationSent);
        sender.Enqueue((await _store.GetAsync(op.Id, None))!);
        await Task.Delay(500);

        var saved = await _store.GetAsync(op.Id, None);
        Assert.Equal("channel_not_found", saved!.CardError);
        Assert.Equal(1, attempts);
        Assert.Null(Assert.Single(_chat.OfKind("notify")).Target);
    }

    [Fact]
    public async Task APostLostInACrash_IsFoundAndNotPostedAgain()
    {
        _chat.CanFindPosted = true;
        var op = (await AddRunningAsync(1, "C0OPS"))[0];
        var crashed = DateTimeOffset.UtcNow - TimeSpan.FromSeconds(30);

        // The dead process posted the marked card, then died before recording its id; its lease ran out.
        var lostId = await _chat.PostCardAsync(op.Conversation, ChatBackup.Core.Cards.MessageCards.Info("lost", "posted before the crash"), new MessageMark(op.Id, MessageMark.Card), None);
        await _store.UpdateAsync(op.Id, o => o with { Sending = new ChatSending(MessageMark.Card, crashed, crashed + TimeSpan.FromSeconds(10)) }, None);

        await Sender().FlushAsync(op.Id, None);

        Assert.Single(_chat.OfKind("post"));
        var saved = await _store.GetAsync(op.Id, None);
        Assert.Equal(lostId, saved!.CardMessageId);
        Assert.Null(saved.Sending);

        // The found card showed whatever the lost post rendered, so it is brought up to date.
        var update = Assert.Single(_chat.OfKind("update"));
        Assert.Equal(lostId, update.Target);
        Assert.Equal(OperationState.Running, saved.CardState);
    }

    [Fact]
    public async Task APostLostInACrash_IsPostedAgain_WhenThePlatformCannotLook()
    {
        _chat.CanFindPosted = false;
        var op = (await AddRunningAsync(1, "C0OPS"))[0];
        var crashed = DateTimeOffset.UtcNow - TimeSpan.FromSeconds(30);
        await _chat.PostCardAsync(op.Conversation, ChatBackup.Core.Cards.MessageCards.Info("lost", "posted before the crash"), new MessageMark(op.Id, MessageMark.Card), None);
        await _store.UpdateAsync(op.Id, o => o with { Sending = new ChatSending(MessageMark.Card, crashed, crashed + TimeSpan.FromSeconds(10)) }, None);

        await Sender().FlushAsync(op.Id, None);

        // At-least-once: nothing is lost, and the duplicate is the documented price.
        Assert.Equal(2, _chat.OfKind("post").Count);
        Assert.Equal("msg-2", (await _store.GetAsync(op.Id, None))!.CardMessageId);
    }

    [Fact]
    public async Task ALeaseHeldByAnotherSender_IsRespected()
    {
        var op = (await AddRunningAsync(1, "C0OPS"))[0];
        var now = DateTimeOffset.UtcNow;
        await _store.UpdateAsync(op.Id, o => o with { Sending = new ChatSending(MessageMark.Card, now, now + TimeSpan.FromMinutes(1)) }, None);

        await Sender().FlushAsync(op.Id, None);

        Assert.Empty(_chat.Sent);
    }

    [Fact]
    public async Task ARecordWithALeaseAlreadyEnded_DoesNotHoldBackTheReplyThatFollows()
    {
        var sender = Start();
        var op = (await AddRunningAsync(1, "C0OPS"))[0];
        op = (await _store.UpdateAsync(op.Id, o => o with { CardMessageId = "msg-0", CardState = OperationState.Running, CardUpdatedAt = DateTimeOffset.UtcNow }, None)).Operation!;

        // A step saved while this sender's card post was in flight, merging its lease, and told the
        // sender after the post was recorded: the lease on that record has ended already.
        var now = DateTimeOffset.UtcNow;
        sender.Enqueue(op with { Sending = new ChatSending(MessageMark.Card, now, now + TimeSpan.FromMinutes(1)) });
        await Task.Delay(100);
        var available = (await _store.UpdateAsync(op.Id, o => o.WithResource(ResourceKeys.ImageAvailable, "true") with { State = OperationState.Succeeded }, None)).Operation!;
        sender.Enqueue(available);

        await WaitAsync(() => _chat.OfKind("notify").Count == 1);
        Assert.True(DateTimeOffset.UtcNow - now < TimeSpan.FromSeconds(10), "the reply waited for the ended lease to run out");
    }

    [Fact]
    public async Task AFailedCall_KeepsItsBackOff_WhileTheRecordKeepsChanging()
    {
        var attempts = new System.Collections.Concurrent.ConcurrentQueue<DateTimeOffset>();
        _chat.Failure = (kind, _) =>
        {
            if (kind == "post")
            {
                attempts.Enqueue(DateTimeOffset.UtcNow);
                if (attempts.Count == 1)
                {
                    throw new ChatDeliveryException("timeout", "Slack did not answer", isRetryable: true);
                }
            }
        };
        var sender = Start();
        var op = (await AddRunningAsync(1, "C0OPS"))[0];

        sender.Enqueue(op);
        await WaitAsync(() => !attempts.IsEmpty);
        for (var percent = 10; percent <= 50; percent += 10)
        {
            var shown = percent;
            sender.Enqueue((await _store.UpdateAsync(op.Id, o => o with { ProgressPercent = shown }, None)).Operation!);
            await Task.Delay(50);
        }

        await WaitAsync(async () => (await _store.GetAsync(op.Id, None))!.CardMessageId is not null);

        // The first back-off is a second; progress arriving meanwhile does not cut it short.
        var times = attempts.ToArray();
        Assert.Equal(2, times.Length);
        Assert.True(times[1] - times[0] >= TimeSpan.FromMilliseconds(900), $"retried after {(times[1] - times[0]).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task TwoSendersOnOneStore_SendEachMessageOnce()
    {
        var first = Start();
        var second = Start();
        var ops = await AddRunningAsync(40, "C0OPS");
        foreach (var op in ops)
        {
            var available = (await _store.UpdateAsync(op.Id, o => o.WithResource(ResourceKeys.ImageAvailable, "2026-11-26T12:00:00Z"), None)).Operation!;
            first.Enqueue(available);
            second.Enqueue(available);
        }

        await WaitAsync(async () => (await Task.WhenAll(ops.Select(o => _store.GetAsync(o.Id, None)))).All(o => o!.NotificationSent));

        Assert.Equal(40, _chat.OfKind("post").Count);
        Assert.Equal(40, _chat.OfKind("notify").Count);
        Assert.Equal(40, _chat.OfKind("notify").Select(m => m.Mark!.OperationId).Distinct().Count());
    }

    [Fact]
    public async Task WhatADeadProcessLeftUnsent_IsFoundBySweepWithoutBeingAsked()
    {
        var earlier = new FakeTimeProvider(DateTimeOffset.UtcNow - TimeSpan.FromHours(1));
        var oldStore = new InMemoryOperationStore(earlier);
        var (op, _) = await oldStore.AddAsync(SampleOperations.New() with { State = OperationState.Succeeded, CardMessageId = "msg-9", CardState = OperationState.Running }, None);
        var sender = new ChatSender(oldStore, new ChatGateways(() => [_chat]), _options, TimeProvider.System, NullLogger<ChatSender>.Instance);
        Track(sender);

        await WaitAsync(() => _chat.OfKind("update").Count == 1);

        Assert.Equal("msg-9", _chat.OfKind("update")[0].Target);
        Assert.Equal(OperationState.Succeeded, (await oldStore.GetAsync(op.Id, None))!.CardState);
    }

    private ChatSender Sender() => new(_store, new ChatGateways(() => [_chat]), _options, TimeProvider.System, NullLogger<ChatSender>.Instance);

    private ChatSender Start()
    {
        var sender = Sender();
        Track(sender);
        return sender;
    }

    private void Track(ChatSender sender)
    {
        var stop = new CancellationTokenSource();
        _running.Add((sender, stop, Task.Run(() => sender.RunAsync(stop.Token))));
    }

    private async Task<List<Operation>> AddRunningAsync(int count, string channel)
    {
        var added = new List<Operation>();
        for (var i = 0; i < count; i++)
        {
            var (op, _) = await _store.AddAsync(SampleOperations.New(channel: channel) with { State = OperationState.Running }, None);
            added.Add(op);
        }

        return added;
    }

    private static Task WaitAsync(Func<bool> condition) => WaitAsync(() => Task.FromResult(condition()));

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the sender did not get there in time");
            await Task.Delay(20);
        }
    }
}
