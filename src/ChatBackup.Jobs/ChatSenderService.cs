using ChatBackup.Core.Chat;
using Microsoft.Extensions.Hosting;

namespace ChatBackup.Jobs;

/// <summary>
/// Runs the chat sender beside the Hangfire server but not in it: waiting for a channel's turn
/// must never hold a job worker. On shutdown the sender lets calls in flight finish and record.
/// </summary>
public sealed class ChatSenderService(ChatSender sender) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => sender.RunAsync(stoppingToken);
}
