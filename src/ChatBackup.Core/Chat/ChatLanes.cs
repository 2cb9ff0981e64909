namespace ChatBackup.Core.Chat;

/// <summary>
/// The state of every rate lane in this process: when calls started, how many are in flight, and
/// any pause a 429 asked for. Not thread-safe: only the sender's scheduling loop uses it.
/// </summary>
public sealed class ChatLanes
{
    /// <summary>Calls an unpaced lane (one with no rates) may have in flight at once.</summary>
    public const int UnpacedConcurrency = 8;

    private readonly Dictionary<string, LaneState> _lanes = new(StringComparer.Ordinal);

    public int Count => _lanes.Count;

    /// <summary>The earliest time all <paramref name="lanes"/> allow a call; <paramref name="now"/> or earlier means now.</summary>
    public DateTimeOffset NextStart(IReadOnlyList<ChatLane> lanes, DateTimeOffset now)
    {
        var earliest = DateTimeOffset.MinValue;
        foreach (var lane in lanes)
        {
            var state = Get(lane);
            var at = state.NextStart(lane.Rates, now);
            if (at > earliest)
            {
                earliest = at;
            }
        }

        return earliest;
    }

    /// <summary>True when every lane is free of a call in flight where it allows only one at a time.</summary>
    public bool HasRoom(IReadOnlyList<ChatLane> lanes)
    {
        foreach (var lane in lanes)
        {
            if (Get(lane).InFlight >= (lane.Rates.Count == 0 ? UnpacedConcurrency : 1))
            {
                return false;
            }
        }

        return true;
    }

    public void Start(IReadOnlyList<ChatLane> lanes, DateTimeOffset now)
    {
        foreach (var lane in lanes)
        {
            var state = Get(lane);
            state.InFlight++;
            if (lane.Rates.Count > 0)
            {
                state.Starts.Add(now);
                var keep = lane.Rates.Max(r => r.Limit);
                if (state.Starts.Count > keep)
                {
                    state.Starts.RemoveRange(0, state.Starts.Count - keep);
                }
            }
        }
    }

    /// <summary>
    /// A call finished at <paramref name="now"/>; <paramref name="pauseUntil"/> (from a 429) holds every
    /// lane of the call back. The platform counts a call when it arrives, somewhere between its start
    /// and its answer, so a paced lane left idle counts its latest call from the answer: the next one
    /// then cannot arrive within the window even if this one was slow on the way.
    /// </summary>
    public void Finish(IReadOnlyList<ChatLane> lanes, DateTimeOffset? pauseUntil, DateTimeOffset now)
    {
        foreach (var lane in lanes)
        {
            var state = Get(lane);
            state.InFlight = Math.Max(0, state.InFlight - 1);
            if (state.InFlight == 0 && state.Starts.Count > 0 && state.Starts[^1] < now)
            {
                state.Starts[^1] = now;
            }

            if (pauseUntil is { } until && until > state.PausedUntil)
            {
                state.PausedUntil = until;
            }
        }
    }

    /// <summary>Forgets lanes with nothing in flight whose history no longer limits anything.</summary>
    public void Prune(DateTimeOffset now, TimeSpan longestWindow)
    {
        List<string>? idle = null;
        foreach (var (key, state) in _lanes)
        {
            if (state.InFlight == 0 && state.PausedUntil <= now && (state.Starts.Count == 0 || now - state.Starts[^1] > longestWindow))
            {
                (idle ??= []).Add(key);
            }
        }

        foreach (var key in idle ?? [])
        {
            _lanes.Remove(key);
        }
    }

    private LaneState Get(ChatLane lane)
    {
        if (!_lanes.TryGetValue(lane.Key, out var state))
        {
            state = new LaneState();
            _lanes.Add(lane.Key, state);
        }

        return state;
    }

    private sealed class LaneState
    {
        /// <summary>Start times of the most recent calls, oldest first; as many as the largest limit.</summary>
        public List<DateTimeOffset> Starts { get; } = [];

        public int InFlight { get; set; }

        public DateTimeOffset PausedUntil { get; set; } = DateTimeOffset.MinValue;

        public DateTimeOffset NextStart(IReadOnlyList<ChatRate> rates, DateTimeOffset now)
        {
            var at = PausedUntil;
            if (rates.Count == 0 || Starts.Count == 0)
            {
                return at;
            }

            // For a limit of L per window W, the next call may start W after the L-th most recent start.
            foreach (var rate in rates)
            {
                if (Starts.Count >= rate.Limit)
                {
                    var bound = Starts[^rate.Limit] + rate.Window;
                    if (bound > at)
                    {
                        at = bound;
                    }
                }
            }

            return at;
        }
    }
}
