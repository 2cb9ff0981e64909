using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace ChatBackup.UnitTests.Teams;

/// <summary>
/// Every card the renderer produces must parse without a single event in the official Adaptive
/// Cards library (npm <c>adaptivecards</c>), run by <c>tests/adaptivecards-check/check.js</c>.
/// </summary>
public sealed class OfficialRendererCheckTests
{
    private static string CheckDirectory([CallerFilePath] string path = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", "..", "adaptivecards-check"));

    [Fact]
    public async Task EveryCard_ParsesCleanlyInTheOfficialRenderer()
    {
        var checkDirectory = CheckDirectory();
        var folder = Directory.CreateTempSubdirectory("chatbackup-cards-");
        try
        {
            foreach (var (name, card) in SampleCards.All())
            {
                await File.WriteAllTextAsync(
                    Path.Combine(folder.FullName, name + ".json"),
                    JsonSerializer.Serialize(AdaptiveCardRendererTests.Renderer.Render(card), ChatBackup.Teams.Activities.BotJson.Options));
            }

            // A marked card (the id a lost post is found by) must be as valid as an unmarked one.
            var marked = AdaptiveCardRendererTests.Renderer.Render(SampleCards.Approval(), new ChatBackup.Core.Chat.MessageMark("op-01HZX3", ChatBackup.Core.Chat.MessageMark.CopyNotification));
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "approval-marked.json"), JsonSerializer.Serialize(marked, ChatBackup.Teams.Activities.BotJson.Options));

            var large = ChatBackup.Core.Cards.MessageCards.Amis("eu-west-1", SampleCards.Images(2000), SampleCards.Now);
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "list-amis-truncated.json"), JsonSerializer.Serialize(AdaptiveCardRendererTests.Renderer.Render(large), ChatBackup.Teams.Activities.BotJson.Options));

            if (!Directory.Exists(Path.Combine(checkDirectory, "node_modules", "adaptivecards")))
            {
                var install = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], checkDirectory, TimeSpan.FromMinutes(5));
                Assert.True(install.ExitCode == 0, $"npm ci in {checkDirectory} failed:\n{install.Output}");
            }

            var check = await RunAsync("node", ["check.js", folder.FullName], checkDirectory, TimeSpan.FromMinutes(1));
            Assert.True(check.ExitCode == 0, $"The official Adaptive Cards library reported problems:\n{check.Output}");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string[] arguments, string directory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"'{program}' is not installed or not on PATH; the Adaptive Card check needs Node.js 18+ and npm.", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within {timeout}.");
            }

            return (process.ExitCode, await stdout + await stderr);
        }
    }
}
