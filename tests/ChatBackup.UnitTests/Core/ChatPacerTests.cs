using System.Collections.Concurrent;
using ChatBackup.Core.Chat;
using ChatBackup.Core.Operations;
using Microsoft.Extensions.Time.Testing;

namespace ChatBackup.UnitTests.Core;

/// <summary>
/// The lanes run on the thread pool while the test owns the fake clock, so the tests wait for what
/// they expect (with a generous real timeout) and advance the clock only once the lane has acted:
/// that keeps every recorded start time exact without asserting on real elapsed time. Before moving
/// the clock across a boundary they also wait for the lane to have set its timer, or a timer set just
/// after the move would be due a step later.
/// </summary>
public sealed class ChatPacerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly WatchedClock _clock = new(new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)));
    private readonly ConcurrentQueue<(string What, DateTimeOffset At)> _started = new();

    private ChatPacer Slack() => new(ChatRates.Slack(), _clock);

    private ChatPacer Teams() => new(ChatRates.Teams(), _clock);

    private string[] Started => [.. _started.Select(s => s.What)];

    private Func<CancellationToken, Task> Record(string what, Task? until = null) => _ =>
    {
        _started.Enqueue((what, _clock.GetUtcNow()));
        return until ?? Task.CompletedTask;
    };

    private async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out; started so far: {string.Join(", ", Started)}");
            await Task.Delay(5);
        }
    }

    /// <summary>Nothing more starts while the fake clock stands still; a short real pause gives a wrong lane the chance to.</summary>
    private async Task AssertStaysAt(int count)
    {
        await Task.Delay(50);
        Assert.Equal(count, _started.Count);
    }

    /// <summary>Advances the fake clock a second at a time until <paramref name="task"/> completes.</summary>
    private async Task DriveAsync(Task task)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!task.IsCompleted)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out; started so far: {string.Join(", ", Started)}");
            _clock.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(task, Task.Delay(10));
        }

        await task;
    }

    [Fact]
    public async Task UpdatesOfOneMessage_QueuedWhileItIsBeingSent_OnlyTheLatestFollows_AndEveryCallerCompletes()
    {
        var pacer = Slack();
        var firstSending = new TaskCompletionSource();
        var updates = new List<Task> { pacer.UpdateAsync("C1", "m", Record("v1", firstSending.Task), CancellationToken.None) };
        await WaitUntil(() => _started.Count == 1);

        for (var version = 2; version <= 10; version++)
        {
            updates.Add(pacer.UpdateAsync("C1", "m", Record($"v{version}"), CancellationToken.None));
        }

        // Overtaken updates are done at once: their state will never be shown, a newer one will.
        Assert.All(updates[1..9], u => Assert.True(u.IsCompletedSuccessfully));
        firstSending.SetResult();
        await DriveAsync(Task.WhenAll(updates));

        Assert.Equal(["v1", "v10"], Started);
    }

    [Fact]
    public async Task Sends_AreNeverMergedOrDropped_AndKeepTheirOrder_WhileUpdatesKeepTheirFirstPlace()
    {
        var pacer = Teams();
        var busy = new TaskCompletionSource();
        var calls = new List<Task>
        {
            pacer.SendAsync("C1", Record("card", busy.Task), CancellationToken.None),
            pacer.UpdateAsync("C1", "m", Record("update 1"), CancellationToken.None),
            pacer.SendAsync("C1", Record("notification 1"), CancellationToken.None),
            pacer.SendAsync("C1", Record("notification 2"), CancellationToken.None),
            pacer.UpdateAsync("C1", "m", Record("update 2"), CancellationToken.None),
            pacer.SendAsync("C1", Record("private"), CancellationToken.None),
            pacer.UpdateAsync("C1", "other", Record("other update"), CancellationToken.None),
        };
        busy.SetResult();
        await DriveAsync(Task.WhenAll(calls));

        Assert.Equal(["card", "update 2", "notification 1", "notification 2", "private", "other update"], Started);
    }

    [Fact]
    public async Task SendAsync_ReturnsTheResult_AndFailuresReachTheirCaller()
    {
        var pacer = Teams();

        Assert.Equal("1700000000.000101", await pacer.SendAsync("C1", _ => Task.FromResult("1700000000.000101"), CancellationToken.None));
        var error = await Assert.ThrowsAsync<ChatDeliveryException>(() =>
            pacer.SendAsync("C1", _ => Task.FromException(new ChatDeliveryException("not_in_channel", "no", isRetryable: false)), CancellationToken.None));
        Assert.Equal("not_in_channel", error.Code);
        await pacer.SendAsync("C1", Record("after the failure"), CancellationToken.None);
    }

    [Fact]
    public async Task ABusyChannel_DoesNotHoldUpAnother()
    {
        var pacer = Slack();
        var stuck = new TaskCompletionSource();
        var busy = pacer.SendAsync("C1", Record("C1 card", stuck.Task), CancellationToken.None);
        await WaitUntil(() => _started.Count == 1);
        var queued = pacer.SendAsync("C1", Record("C1 notification"), CancellationToken.None);

        await pacer.SendAsync("C2", Record("C2 card"), CancellationToken.None);
        await pacer.UpdateAsync("C3", "m", Record("C3 update"), CancellationToken.None);

        Assert.Equal(["C1 card", "C2 card", "C3 update"], Started);
        stuck.SetResult();
        await DriveAsync(Task.WhenAll(busy, queued));
    }

    [Fact]
    public async Task Slack_StartsOneMessagePerSecondPerChannel()
    {
        var pacer = Slack();
        var sends = Enumerable.Range(1, 5).Select(i => pacer.SendAsync("C1", Record($"s{i}"), CancellationToken.None)).ToList();

        await WaitUntil(() => _started.Count == 1);
        for (var sent = 1; sent < 5; sent++)
        {
            await WaitUntil(() => _clock.Timers == sent);
            _clock.Advance(TimeSpan.FromMilliseconds(999));
            await AssertStaysAt(sent);
            _clock.Advance(TimeSpan.FromMilliseconds(1));
            await WaitUntil(() => _started.Count == sent + 1);
        }

        await Task.WhenAll(sends);
        var at = _started.Select(s => s.At).ToList();
        Assert.All(at.Zip(at.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Teams_StartsAtMostSevenSendsPerSecondPerConversation()
    {
        var pacer = Teams();
        var sends = Enumerable.Range(1, 10).Select(i => pacer.SendAsync("19:a@thread", Record($"s{i}"), CancellationToken.None)).ToList();

        await WaitUntil(() => _started.Count == 7);
        await WaitUntil(() => _clock.Timers == 1);
        _clock.Advance(TimeSpan.FromMilliseconds(999));
        await AssertStaysAt(7);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        await WaitUntil(() => _started.Count == 8);

        // 8 per 2 s holds the rest until two seconds after the first burst.
        await WaitUntil(() => _clock.Timers == 2);
        _clock.Advance(TimeSpan.FromMilliseconds(999));
        await AssertStaysAt(8);
        await DriveAsync(Task.WhenAll(sends));
        var at = _started.Select(s => s.At).ToList();
        Assert.All(at, t => Assert.True(at.Count(o => o >= t && o < t + TimeSpan.FromSeconds(1)) <= 7));
        Assert.All(at, t => Assert.True(at.Count(o => o >= t && o < t + TimeSpan.FromSeconds(2)) <= 8));
    }

    [Fact]
    public void TeamsRates_ArePacedByEveryWindow()
    {
        // Simulates a lane that always has work: each start comes as early as all three windows allow.
        var rates = ChatRates.Teams();
        var starts = new List<TimeSpan>();
        var now = TimeSpan.Zero;
        for (var i = 0; i < 130; i++)
        {
            foreach (var rate in rates.Where(r => starts.Count >= r.Limit))
            {
                var free = starts[^rate.Limit] + rate.Window;
                now = free > now ? free : now;
            }

            starts.Add(now);
        }

        foreach (var rate in rates)
        {
            Assert.All(starts, t => Assert.True(starts.Count(o => o >= t && o < t + rate.Window) <= rate.Limit, $"{rate} broken at {t}"));
        }
    }

    [Fact]
    public void TeamsRates_ScaleEveryWindowWithTheConfiguredFigure()
    {
        Assert.Equal([7, 8, 60], ChatRates.Teams().Select(r => r.Limit));
        Assert.Equal([14, 16, 120], ChatRates.Teams(14).Select(r => r.Limit));
        Assert.Equal([1, 1, 8], ChatRates.Teams(1).Select(r => r.Limit));
    }

    [Fact]
    public async Task ACancelledWaitingCall_IsWithdrawn_AndTheLaneGoesOn()
    {
        var pacer = Slack();
        var busy = new TaskCompletionSource();
        using var cancel = new CancellationTokenSource();
        var first = pacer.SendAsync("C1", Record("first", busy.Task), CancellationToken.None);
        var withdrawn = pacer.SendAsync("C1", Record("withdrawn"), cancel.Token);
        var update = pacer.UpdateAsync("C1", "m", Record("withdrawn update"), cancel.Token);
        var last = pacer.SendAsync("C1", Record("last"), CancellationToken.None);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => withdrawn);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => update);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pacer.SendAsync("C1", Record("never"), cancel.Token));
        busy.SetResult();
        await DriveAsync(Task.WhenAll(first, last));

        Assert.Equal(["first", "last"], Started);
    }

    [Fact]
    public async Task ARefusalWithRetryAfter_HoldsTheLaneThatLong()
    {
        var pacer = Slack();
        var refused = new ChatDeliveryException("ratelimited", "slow down", isRetryable: true, TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<ChatDeliveryException>(() => pacer.SendAsync("C1", _ => throw refused, CancellationToken.None));

        var next = pacer.SendAsync("C1", Record("next"), CancellationToken.None);
        await WaitUntil(() => _clock.Timers == 1);
        _clock.Advance(TimeSpan.FromSeconds(4));
        await AssertStaysAt(0);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await next;
        Assert.Equal(["next"], Started);
    }

    [Fact]
    public async Task IdleLanes_AreDropped_OnceTheirHistoryCannotDelayAnything()
    {
        var pacer = Slack();
        for (var i = 0; i < 50; i++)
        {
            await pacer.SendAsync($"C{i}", Record($"C{i}"), CancellationToken.None);
        }

        Assert.Equal(50, pacer.LaneCount);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await pacer.SendAsync("C-new", Record("new"), CancellationToken.None);

        Assert.Equal(1, pacer.LaneCount);
    }

    [Fact]
    public void LaneKey_SeparatesPlatformsWorkspacesAndChannels()
    {
        var keys = new[]
        {
            ChatPacer.LaneKey(new ConversationRef("slack", "C1", TeamId: "T1")),
            ChatPacer.LaneKey(new ConversationRef("slack", "C1", TeamId: "T2")),
            ChatPacer.LaneKey(new ConversationRef("slack", "C2", TeamId: "T1")),
            ChatPacer.LaneKey(new ConversationRef("teams", "C1")),
        };

        Assert.Equal(keys.Length, keys.Distinct().Count());
    }

    /// <summary>The fake clock, counting the timers the pacer sets so a test knows a lane is waiting.</summary>
    private sealed class WatchedClock(FakeTimeProvider clock) : TimeProvider
    {
        private int _timers;

        public int Timers => Volatile.Read(ref _timers);

        public override long TimestampFrequency => clock.TimestampFrequency;

        public void Advance(TimeSpan delta) => clock.Advance(delta);

        public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();

        public override long GetTimestamp() => clock.GetTimestamp();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _timers);
            return clock.CreateTimer(callback, state, dueTime, period);
        }
    }
}
