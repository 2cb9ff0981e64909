using System.Text;
using ChatBackup.Slack;

namespace ChatBackup.UnitTests.Slack;

public sealed class SlackFormTests
{
    private static SlackForm Form(string body) => new(Encoding.UTF8.GetBytes(body));

    [Fact]
    public void Fields_AreDecoded_AsBrowsersAndSlackEncodeThem()
    {
        var form = Form("token=x&user_id=U0123&text=ami+web-01+--name+%22nightly+%C3%A9t%C3%A9%22&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT%2F1%2Fx");

        Assert.Equal("U0123", form.Field("user_id"));
        Assert.Equal("ami web-01 --name \"nightly été\"", form.Field("text"));
        Assert.Equal("https://hooks.slack.com/commands/T/1/x", form.Field("response_url"));
    }

    [Fact]
    public void MissingOrEmptyFields_AreNull()
    {
        var form = Form("text=&user_id&channel_id=C1");

        Assert.Null(form.Field("text"));
        Assert.Null(form.Field("user_id"));
        Assert.Null(form.Field("team_id"));
        Assert.Null(form.Field("channel"));
        Assert.Equal("C1", form.Field("channel_id"));
    }

    [Fact]
    public void KeysMustMatchWhole_AndEncodedKeysAreDecoded()
    {
        var form = Form("user_id_x=wrong&user%5Fid=U1&text=first&text=second");

        Assert.Equal("U1", form.Field("user_id"));
        Assert.Equal("first", form.Field("text"));
    }

    [Fact]
    public void MalformedEscapes_AreKeptAsTheyCame()
    {
        Assert.Equal("100%", Form("text=100%25").Field("text"));
        Assert.Equal("50%zz off", Form("text=50%zz+off").Field("text"));
    }
}
