using ChatBackup.Core.Chat;

namespace ChatBackup.UnitTests.Core;

/// <summary>The rate arithmetic of the chat sender's lanes, on explicit times.</summary>
public sealed class ChatLanesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly ChatLane Channel = new("slack:T1:C1", [new ChatRate(1, TimeSpan.FromSeconds(1))]);
    private static readonly ChatLane Conversation = new(
        "teams:19:c", [new ChatRate(7, TimeSpan.FromSeconds(1)), new ChatRate(8, TimeSpan.FromSeconds(2))]);

    [Fact]
    public void OnePerSecond_TheNextCallWaitsASecondFromTheLastAnswer()
    {
        var lanes = new ChatLanes();
        lanes.Start([Channel], T0);

        Assert.False(lanes.HasRoom([Channel]));

        // The call was slow to arrive: it is counted from its answer, so the next cannot land within the second.
        lanes.Finish([Channel], null, T0 + TimeSpan.FromMilliseconds(400));

        Assert.True(lanes.HasRoom([Channel]));
        Assert.Equal(T0 + TimeSpan.FromMilliseconds(1400), lanes.NextStart([Channel], T0 + TimeSpan.FromMilliseconds(400)));
    }

    [Fact]
    public void TeamsWindows_SevenInASecond_ThenTheTwoSecondWindowBinds()
    {
        var lanes = new ChatLanes();
        var lane = new ChatLane(Conversation.Key, Conversation.Rates);
        var at = T0;
        for (var i = 0; i < 8; i++)
        {
            at = lanes.NextStart([lane], at) is var next && next > at ? next : at;
            lanes.Start([lane], at);
            lanes.Finish([lane], null, at);
        }

        // Seven fit in the first second; the eighth waits for the first to leave the 1 s window; the
        // ninth must wait for the 2 s window (8 per 2 s) to let the first one go.
        Assert.Equal(T0 + TimeSpan.FromSeconds(1), at);
        Assert.Equal(T0 + TimeSpan.FromSeconds(2), lanes.NextStart([lane], at));
    }

    [Fact]
    public void A429Pause_HoldsTheLaneUntilRetryAfter()
    {
        var lanes = new ChatLanes();
        var updates = new ChatLane("slack:T1:updates", []);
        lanes.Start([updates], T0);
        lanes.Finish([updates], T0 + TimeSpan.FromSeconds(30), T0);

        Assert.Equal(T0 + TimeSpan.FromSeconds(30), lanes.NextStart([updates], T0 + TimeSpan.FromSeconds(1)));
    }
}
