using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatBackup.Slack.Verification;

/// <summary>The raw body of a request whose Slack signature has been checked.</summary>
internal sealed record SlackVerifiedBody(byte[] Bytes);

/// <summary>
/// Runs before every Slack handler: 404 while Slack is disabled, 413 for oversized bodies, 401 for
/// anything not signed by Slack. Handlers read the verified bytes from <see cref="SlackVerifiedBody"/>.
/// </summary>
internal sealed class SlackSignatureFilter(IOptions<SlackOptions> options, TimeProvider timeProvider, ILogger<SlackSignatureFilter> logger)
    : IEndpointFilter
{
    /// <summary>Slack payloads are a few KB; anything much larger is not from Slack.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return TypedResults.NotFound();
        }

        var path = http.Request.Path.Value ?? string.Empty;
        if (http.Request.ContentLength > MaxBodyBytes)
        {
            logger.BodyTooLarge(path, MaxBodyBytes);
            return TypedResults.Text("Request body too large", "text/plain", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var body = await ReadBodyAsync(http.Request, http.RequestAborted);
        if (body is null)
        {
            logger.BodyTooLarge(path, MaxBodyBytes);
            return TypedResults.Text("Request body too large", "text/plain", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var result = SlackSignature.Verify(
            settings.SigningSecret,
            http.Request.Headers[SlackSignature.TimestampHeader].ToString(),
            http.Request.Headers[SlackSignature.SignatureHeader].ToString(),
            body,
            timeProvider.GetUtcNow());

        if (result != SlackSignatureResult.Valid)
        {
            logger.RequestRejected(path, result.ToString());
            return TypedResults.Text("Invalid Slack signature", "text/plain", statusCode: StatusCodes.Status401Unauthorized);
        }

        http.Features.Set(new SlackVerifiedBody(body));
        return await next(context);
    }

    /// <summary>
    /// Reads at most <see cref="MaxBodyBytes"/> straight from the request pipe into one array; null
    /// when the body is longer (chunked bodies have no Content-Length). The handlers read these bytes,
    /// never <see cref="HttpRequest.Body"/>, so the body is not buffered a second time for rewinding.
    /// </summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var reader = request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            if (buffer.Length > MaxBodyBytes)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                return null;
            }

            if (read.IsCanceled)
            {
                throw new OperationCanceledException("The request body read was cancelled.", cancellationToken);
            }

            if (read.IsCompleted)
            {
                var body = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return body;
            }

            // Nothing consumed yet: the next read returns this and what has arrived since.
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
