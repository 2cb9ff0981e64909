namespace ChatBackup.Bench;

/// <summary>
/// One binary, one verb per role, so the app, the stand-ins and the load generator run in separate
/// processes and each one's CPU and memory can be told apart. (No top-level statements: they would
/// declare a second <c>Program</c> beside the host's, which <see cref="BenchApp"/> runs.)
/// </summary>
internal static class BenchEntry
{
    public static async Task<int> Main(string[] args) => args switch
    {
        ["stub", .. var rest] => await StubServer.RunAsync(Args.Parse(rest)),
        ["serve", .. var rest] => await ServeCommand.RunAsync(Args.Parse(rest)),
        ["load", .. var rest] => await LoadCommand.RunAsync(Args.Parse(rest)),
        ["fanout", .. var rest] => await FanoutCommand.RunAsync(Args.Parse(rest)),
        ["report", .. var rest] => ReportCommand.Run(Args.Parse(rest)),
        _ => Usage(),
    };

    private static int Usage()
    {
        Console.Error.WriteLine("""
            usage: ChatBackup.Bench <verb> [--key value ...]
              stub    --port P                                   Slack Web API + Bot Connector stand-in
              serve   --port P --slack-api URL --secret S        ChatBackup (its Program.cs) with the EC2 fake
              load    --url U --scenario slack-help|slack-ami|teams --target NAME --secret S --service-url URL
                      --connections 50 --seconds 10 --warmup 1 --pids p1,p2 --out file.json
              fanout  --ops N --pending-polls 5 --poll-interval 00:00:01 [--channels N] [--warmup 200] --slack-api URL --out file.json
              report  --dir bench/results/raw --out bench/results/latest.md
            """);
        return 2;
    }
}
