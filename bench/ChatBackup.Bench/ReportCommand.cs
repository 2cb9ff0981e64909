using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ChatBackup.Bench;

/// <summary>
/// Turns the raw results of one run into the markdown table the issue asks for. Targets are
/// reported next to the measured values, never asserted: a miss is a finding, not a failed build.
/// </summary>
internal static partial class ReportCommand
{
    public static int Run(Args args)
    {
        var dir = args.Get("dir");
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# ChatBackup bench — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        if (File.Exists(Path.Combine(dir, "meta.md")))
        {
            md.AppendLine(File.ReadAllText(Path.Combine(dir, "meta.md")).TrimEnd());
            md.AppendLine();
        }

        md.AppendLine("## a/b. Acknowledging commands (ChatBackup.Bench load: closed loop, fresh signature and ids per request)");
        md.AppendLine();
        md.AppendLine("| scenario | target | req/s | p50 ms | p99 ms | max ms | errors | target CPU (cores) | generator CPU (cores) | busy after (s) |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        var verdicts = new List<string>();
        foreach (var (scenario, baseline, ratioTarget) in new[] { ("slack-help", "bolt", 2.0), ("slack-ami", "bolt", 2.0), ("teams", "botbuilder", 3.0) })
        {
            var ours = Load(dir, scenario, "chatbackup");
            var theirs = Load(dir, scenario, baseline);
            Row(md, dir, ours);
            Row(md, dir, theirs);
            if (ours is null || theirs is null)
            {
                continue;
            }

            if (!ours.Available)
            {
                verdicts.Add($"- **{scenario}**: ChatBackup {ours.Note}; no ratio (target ≥ {ratioTarget:0}× {baseline}).");
                continue;
            }

            var ratio = theirs.Available && theirs.RequestsPerSecond > 0 ? ours.RequestsPerSecond / theirs.RequestsPerSecond : double.NaN;
            var line = $"- **{scenario}**: {ratio:0.00}× {baseline}'s req/s (target ≥ {ratioTarget:0}×: {Verdict(ratio >= ratioTarget)})";
            if (scenario.StartsWith("slack", StringComparison.Ordinal))
            {
                line += $"; p99 {ours.P99Ms:0.0} ms (target < 25 ms: {Verdict(ours.P99Ms < 25)})";
            }

            verdicts.Add(line + (ours.Errors > 0 ? $"; {ours.Errors} errors" : ""));
        }

        md.AppendLine();
        md.AppendLine(string.Join(Environment.NewLine, verdicts));
        md.AppendLine();
        md.AppendLine("\"busy after\" is how long the servers kept using CPU once the run ended (what the target's background work still had to do); the next run starts only then.");
        md.AppendLine();

        var wrk = Directory.GetFiles(dir, "wrk-*.txt").Order(StringComparer.Ordinal).ToList();
        if (wrk.Count > 0)
        {
            md.AppendLine("### Cross-check with wrk (one pre-signed `/backup help` body, valid for the run)");
            md.AppendLine();
            md.AppendLine("| target | req/s | p50 ms | p99 ms | errors |");
            md.AppendLine("|---|---:|---:|---:|---:|");
            foreach (var file in wrk)
            {
                var output = File.ReadAllText(file);
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {Path.GetFileNameWithoutExtension(file)[4..]} | {Match(RequestsPerSec(), output)} | {WrkMs(output, "50")} | {WrkMs(output, "99")} | {WrkErrors(output)} |");
            }

            md.AppendLine();
        }

        var fanoutFiles = Directory.GetFiles(dir, "fanout-*.json");
        if (fanoutFiles.Length == 0)
        {
            return Emit(md, args);
        }

        md.AppendLine("## c. Fan-out of AMI operations against the EC2 fake");
        md.AppendLine();
        md.AppendLine("| operations | warm-up ops | channels | pending polls | poll interval | notified | wall s | EC2 calls / op | Describe* / op | Describe* / tick | 1-poll-per-op ÷ actual | peak RSS MB | Hangfire jobs / worker s | poller steps / their s | lag p50 / p99 / max ms | late | Slack posts / updates | duplicate posts | most posts in a channel in 1 s |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var fanouts = fanoutFiles
            .Select(f => JsonSerializer.Deserialize<FanoutResult>(File.ReadAllText(f), Json.Options)!)
            .OrderBy(f => f.Channels < f.Operations)
            .ThenBy(f => f.Operations)
            .ThenByDescending(f => f.Warmup)
            .ToList();
        var fanoutVerdicts = new List<string>();
        foreach (var f in fanouts)
        {
            var describes = f.DescribesPerOperation * f.Operations;
            var fewer = describes == 0 ? double.NaN : f.Operations * (double)f.PendingPolls / describes;
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {f.Operations:N0} | {f.Warmup:N0} | {f.Channels:N0} | {f.PendingPolls} | {f.PollIntervalSeconds:0.###} s | {f.Notified:N0}{(f.Failed > 0 ? $" ({f.Failed} failed)" : "")} | {f.WallSeconds:0.0} | {f.Ec2CallsPerOperation:0.00} | {f.DescribesPerOperation:0.00} | {f.DescribesPerTick:0.0} | {fewer:0.0}× | {f.PeakRssMb:0} | {f.HangfireJobs:N0} / {f.HangfireWorkerSeconds:0.0} | {f.PollerSteps:N0} / {f.PollerStepSeconds:0.0} | {f.LagP50Ms:0} / {f.LagP99Ms:0} / {f.LagMaxMs:0} | {f.LateNotifications:N0} | {f.ChatPosts:N0} / {f.ChatUpdates:N0} | {f.DuplicatePosts} | {f.MaxPostsPerChannelPerSecond} |");
            if (f.Channels < f.Operations)
            {
                fanoutVerdicts.Add($"- **{f.Operations:N0} ops in {f.Channels} channel{(f.Channels == 1 ? "" : "s")}** (Slack's pace of about 1 post per second per channel applies): "
                    + $"at most {f.MaxPostsPerChannelPerSecond} post{(f.MaxPostsPerChannelPerSecond == 1 ? "" : "s")} in any second of one channel (target ≤ 1: {Verdict(f.MaxPostsPerChannelPerSecond <= 1)}); "
                    + $"{f.Notified:N0} of {f.Operations:N0} notifications sent, {f.DuplicatePosts} duplicated (target: all, none: {Verdict(f.Notified == f.Operations && f.DuplicatePosts == 0)}); "
                    + $"{f.ChatUpdates:N0} card updates for {f.Operations:N0} cards, progress coalesced while waiting; the last reply came {f.LagMaxMs / 1000:0.0} s after its AMI was available, which is the channel's pace, not the bot's.");
                continue;
            }

            var calls = string.Join(", ", f.Ec2Calls.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value:N0}"));
            var start = f.Warmup == 0 ? ", freshly started process" : $", after a {f.Warmup:N0}-operation warm-up";
            fanoutVerdicts.Add($"- **{f.Operations:N0} ops{start}**: EC2 calls {calls}; duplicate posts {f.DuplicatePosts}.");
            fanoutVerdicts.Add($"  Describe* per tick {f.DescribesPerTick:0.0} (target ≤ 1 per kind and region, i.e. ≤ 2 here: {Verdict(f.DescribesPerTick <= 2)})"
                + (f.Operations == 1000 ? $"; one poll per operation would make {fewer:0.0}× the Describe* calls made (target ≥ 100×: {Verdict(fewer >= 100)})" : "")
                + (f.Operations >= 10000 ? $"; peak RSS {f.PeakRssMb:0} MB (target ≤ 300 MB: {Verdict(f.PeakRssMb <= 300)})" : "")
                + $"; slowest notification {f.LagMaxMs:0} ms after the fake reported available, {f.LateNotifications:N0} later than one poll interval (target: every one within {f.PollIntervalSeconds * 1000:0} ms: {Verdict(f.LagMaxMs <= f.PollIntervalSeconds * 1000)}).");
        }

        md.AppendLine();
        md.AppendLine(string.Join(Environment.NewLine, fanoutVerdicts));
        md.AppendLine();
        md.AppendLine("Describe* counts DescribeImages and DescribeSnapshots (not the DescribeInstances of the command's name look-up); a tick is one poll interval of wall time. \"1-poll-per-op ÷ actual\" is (operations × pending polls) ÷ Describe* calls: below 1 means more than one call per operation and poll. Lag is from the fake reporting the image available to the Slack stub receiving the reply; \"late\" counts replies later than one poll interval. Slack calls are those the stub recorded until the last reply (the cards' final updates follow it). Hangfire runs each operation's first step; the steps after it, found due by the poller, run beside the workers (\"poller steps\", with the time spent in them added up over concurrent runs). Warm-up operations run first, unmeasured, as a bot that has been running would have its code compiled; 0 is a process meeting the burst right after start. With one channel per operation the per-channel pace never binds, so the figures are the bot's own; the one-channel row shows the pace at work.");

        return Emit(md, args);
    }

    private static int Emit(StringBuilder md, Args args)
    {
        var text = md.ToString();
        Console.WriteLine(text);
        if (args.Get("out", "") is { Length: > 0 } path)
        {
            File.WriteAllText(path, text);
        }

        return 0;
    }

    private static LoadResult? Load(string dir, string scenario, string target)
    {
        var path = Path.Combine(dir, $"{scenario}.{target}.json");
        return File.Exists(path) ? JsonSerializer.Deserialize<LoadResult>(File.ReadAllText(path), Json.Options) : null;
    }

    private static void Row(StringBuilder md, string dir, LoadResult? r)
    {
        if (r is null)
        {
            return;
        }

        var busyFile = Path.Combine(dir, $"{r.Scenario}.{r.Target}.busy");
        var busy = File.Exists(busyFile) ? File.ReadAllText(busyFile).Trim() : "";
        var signed = r.SignedInLoop > 0 ? $" ({r.SignedInLoop:N0} signed in the loop)" : "";
        md.AppendLine(r.Available
            ? string.Create(CultureInfo.InvariantCulture, $"| {r.Scenario} | {r.Target} | {r.RequestsPerSecond:N0}{signed} | {r.P50Ms:0.00} | {r.P99Ms:0.00} | {r.MaxMs:0.0} | {r.Errors} | {r.TargetCores:0.00} | {r.GeneratorCores:0.00} | {busy} |")
            : $"| {r.Scenario} | {r.Target} | {r.Note} | | | | | | | {busy} |");
    }

    private static string Verdict(bool met) => met ? "met" : "**missed**";

    private static string Match(Regex regex, string text) => regex.Match(text) is { Success: true } m ? m.Groups[1].Value : "?";

    /// <summary>wrk prints latencies with their own unit (us, ms, s).</summary>
    private static string WrkMs(string text, string percentile)
    {
        var m = Regex.Match(text, $@"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        if (!m.Success)
        {
            return "?";
        }

        var value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var ms = m.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
        return ms.ToString("0.00", CultureInfo.InvariantCulture);
    }

    private static string WrkErrors(string text)
    {
        var non2xx = Regex.Match(text, @"Non-2xx or 3xx responses: (\d+)");
        var socket = Regex.Match(text, @"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)");
        var total = (non2xx.Success ? long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture) : 0)
            + (socket.Success ? Enumerable.Range(1, 4).Sum(i => long.Parse(socket.Groups[i].Value, NumberStyles.Integer, CultureInfo.InvariantCulture)) : 0);
        return total.ToString(CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSec();
}
