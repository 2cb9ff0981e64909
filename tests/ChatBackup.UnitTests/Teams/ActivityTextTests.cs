using ChatBackup.Teams.Activities;

namespace ChatBackup.UnitTests.Teams;

public sealed class ActivityTextTests
{
    [Theory]
    [InlineData("<at>ChatBackup</at> ami web-01", "ami web-01")]
    [InlineData("<at id=\"0\">Chat Backup</at>&nbsp;ami web-01", "ami web-01")]
    [InlineData("ami web-01", "ami web-01")]
    [InlineData("  backup ami web-01  ", "ami web-01")]
    [InlineData("/backup status", "status")]
    [InlineData("Backup help", "help")]
    [InlineData("backup", "")]
    [InlineData("backups", "backups")]
    [InlineData("<p><at>ChatBackup</at> snapshot vol-0123456789abcdef0 --description &quot;before deploy&quot;</p>", "snapshot vol-0123456789abcdef0 --description \"before deploy\"")]
    [InlineData("ami web-01 --name “nightly web”", "ami web-01 --name “nightly web”")]
    [InlineData("ami&nbsp;web-01\u00A0--no-reboot", "ami web-01 --no-reboot")]
    [InlineData("<div>list amis</div><div>--limit 5</div>", "list amis --limit 5")]
    [InlineData("ami <b>web-01</b>", "ami web-01")]
    [InlineData("status &lt;op-abcdefgh&gt;", "status <op-abcdefgh>")]
    [InlineData("a&amp;b", "a&b")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void ToCommandText_StripsMentionsHtmlAndTheLeadingBackupWord(string? text, string expected) =>
        Assert.Equal(expected, ActivityText.ToCommandText(text));
}
