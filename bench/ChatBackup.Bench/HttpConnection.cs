using System.Buffers.Text;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace ChatBackup.Bench;

/// <summary>
/// One HTTP/1.1 keep-alive connection for <see cref="LoadCommand"/>: it writes ready-made request
/// bytes and reads the answer's status line and framing (Content-Length or chunked), skipping the
/// body. That is all wrk does per request, and far less than <see cref="HttpClient"/>'s header and
/// content objects, so the generator's CPU goes on the sockets and stays off the cores of the
/// target it measures.
/// </summary>
internal sealed class HttpConnection : IAsyncDisposable
{
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] LineEnd = "\r\n"u8.ToArray();

    private readonly Socket _socket;
    private byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    private HttpConnection(Socket socket, Uri url)
    {
        _socket = socket;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>The server said <c>Connection: close</c> or closed the socket: open a new connection to go on.</summary>
    public bool Closed { get; private set; }

    public static async Task<HttpConnection> OpenAsync(Uri url)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(url.Host, url.Port);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new HttpConnection(socket, url);
    }

    /// <summary>Sends one request and reads its whole answer; returns the status code.</summary>
    public async ValueTask<int> SendAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        while (!request.IsEmpty)
        {
            request = request[await _socket.SendAsync(request, SocketFlags.None, cancellationToken)..];
        }

        int headLength;
        while ((headLength = Unread.IndexOf(HeadEnd)) < 0)
        {
            await FillAsync(cancellationToken);
        }

        var (status, contentLength, chunked, close) = ParseHead(Unread[..headLength]);
        _start += headLength + HeadEnd.Length;
        if (chunked)
        {
            await SkipChunkedAsync(cancellationToken);
        }
        else if (contentLength is { } length)
        {
            await SkipAsync(length, cancellationToken);
        }
        else if (status is not (204 or 304) and >= 200)
        {
            // Neither length nor chunks: the body runs until the server closes the connection.
            try
            {
                while (true)
                {
                    _start = _end;
                    await FillAsync(cancellationToken);
                }
            }
            catch (IOException) when (Closed)
            {
            }
        }

        Closed |= close;
        return status;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private Span<byte> Unread => _buffer.AsSpan(_start, _end - _start);

    private static (int Status, long? ContentLength, bool Chunked, bool Close) ParseHead(ReadOnlySpan<byte> head)
    {
        // "HTTP/1.1 200 OK"
        if (head.Length < 12 || !head.StartsWith("HTTP/1."u8) || !Utf8Parser.TryParse(head.Slice(9, 3), out int status, out var used) || used != 3)
        {
            throw new InvalidDataException($"Not an HTTP/1.x status line: '{Encoding.ASCII.GetString(head[..Math.Min(head.Length, 40)])}'.");
        }

        long? contentLength = null;
        bool chunked = false, close = false;
        var rest = head;
        while (rest.IndexOf(LineEnd) is var eol and >= 0)
        {
            rest = rest[(eol + LineEnd.Length)..];
            var line = rest.IndexOf(LineEnd) is var next and >= 0 ? rest[..next] : rest;
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                contentLength = Utf8Parser.TryParse(value, out long parsed, out var length) && length == value.Length && parsed >= 0
                    ? parsed
                    : throw new InvalidDataException("Bad Content-Length.");
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                chunked = Ascii.EqualsIgnoreCase(value, "chunked"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                close = Ascii.EqualsIgnoreCase(value, "close"u8);
            }
        }

        return (status, contentLength, chunked, close);
    }

    private async ValueTask SkipChunkedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var size = await ReadLineAsync(ParseChunkSize, cancellationToken);
            if (size == 0)
            {
                // Trailers, if any, end with an empty line.
                while (await ReadLineAsync(static line => line.Length, cancellationToken) > 0)
                {
                }

                return;
            }

            await SkipAsync(size + LineEnd.Length, cancellationToken);
        }
    }

    private static long ParseChunkSize(ReadOnlySpan<byte> line)
    {
        var semicolon = line.IndexOf((byte)';');
        var hex = (semicolon >= 0 ? line[..semicolon] : line).Trim(" \t"u8);
        return long.TryParse(Encoding.ASCII.GetString(hex), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) && size >= 0
            ? size
            : throw new InvalidDataException("Bad chunk size.");
    }

    private async ValueTask<long> ReadLineAsync(Func<ReadOnlySpan<byte>, long> parse, CancellationToken cancellationToken)
    {
        int eol;
        while ((eol = Unread.IndexOf(LineEnd)) < 0)
        {
            await FillAsync(cancellationToken);
        }

        var value = parse(Unread[..eol]);
        _start += eol + LineEnd.Length;
        return value;
    }

    private async ValueTask SkipAsync(long count, CancellationToken cancellationToken)
    {
        while (true)
        {
            var take = (int)Math.Min(count, _end - _start);
            _start += take;
            count -= take;
            if (count == 0)
            {
                return;
            }

            await FillAsync(cancellationToken);
        }
    }

    /// <summary>Reads more bytes after the unread ones, moving them to the front (or growing the buffer) for room.</summary>
    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            if (_start == 0)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            else
            {
                Unread.CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }
        }

        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
        if (read == 0)
        {
            Closed = true;
            throw new IOException("The server closed the connection.");
        }

        _end += read;
    }
}
