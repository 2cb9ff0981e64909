using System.Runtime.InteropServices;

namespace ChatBackup.Bench;

/// <summary>Runs ChatBackup for the load generator until SIGTERM, then prints the EC2 calls the load caused.</summary>
internal static class ServeCommand
{
    public static async Task<int> RunAsync(Args args)
    {
        var port = args.Int("port", 5180);
        var settings = BenchApp.Settings(args.Get("slack-api"), args.Get("secret"), new Dictionary<string, string?>
        {
            // Commands enqueue real jobs; the images stay pending well past the run so the load
            // measures acknowledging and enqueueing, as the issue asks, not a fan-out of polls.
            // No poll tick during the whole bench (the longest interval allowed): with a shorter
            // one, the tick over the ~10^5 operations an `ami` run leaves pending takes a core for
            // tens of seconds and lands in whichever later run happens to be measured then.
            ["Backup:PollInterval"] = "01:00:00",
            ["Backup:MaxPollInterval"] = "01:00:00",
        });
        await using var app = new BenchApp(port, settings, pendingPolls: 1000);
        app.StartServer();
        Console.WriteLine($"ready {app.ClientOptions.BaseAddress}");

        var stop = new TaskCompletionSource();
        using var registration = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.TrySetResult();
        });
        await stop.Task;
        Console.WriteLine($"ec2 calls: {string.Join(", ", app.Ec2.Calls.OrderBy(c => c.Key).Select(c => $"{c.Key}={c.Value}"))}");
        return 0;
    }
}
