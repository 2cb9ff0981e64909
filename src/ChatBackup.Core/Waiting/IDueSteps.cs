namespace ChatBackup.Core.Waiting;

/// <summary>Where the poller hands the steps it finds due: a watched resource changed, or progress is due on the card.</summary>
public interface IDueSteps
{
    /// <param name="stateChanged">The resource changed state (finished, failed): these go before progress-only steps.</param>
    void Enqueue(string operationId, int step, bool stateChanged);
}
