using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ChatBackup.Slack.SlackClient;
using Microsoft.AspNetCore.Http;

namespace ChatBackup.Slack;

/// <summary>
/// A message as the body of Slack's HTTP 200 (a slash-command answer). Serialized into one buffer
/// and written with its Content-Length: a single write, where a streamed JSON result would go out
/// chunked and in pieces.
/// </summary>
internal sealed class SlackMessageResult(SlackResponseMessage message) : IResult, IValueHttpResult, IValueHttpResult<SlackResponseMessage>, IStatusCodeHttpResult, IContentTypeHttpResult
{
    private const string JsonContentType = "application/json; charset=utf-8";

    private static readonly JsonTypeInfo<SlackResponseMessage> TypeInfo =
        (JsonTypeInfo<SlackResponseMessage>)SlackJson.Options.GetTypeInfo(typeof(SlackResponseMessage));

    public SlackResponseMessage Value => message;

    object? IValueHttpResult.Value => message;

    int? IStatusCodeHttpResult.StatusCode => StatusCodes.Status200OK;

    string IContentTypeHttpResult.ContentType => JsonContentType;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(message, TypeInfo);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = JsonContentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, httpContext.RequestAborted);
    }
}
