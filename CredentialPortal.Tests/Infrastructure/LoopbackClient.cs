using System.Net;
using System.Net.Sockets;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>
/// An HTTP client for a portal served on 127.0.0.1 (<see cref="PortalAppFactory.StartOnLoopback"/>) whose connections
/// come from a chosen loopback address (127.0.0.2, 127.0.0.3…: Linux routes all of 127/8 to lo), so one test can be
/// several clients as the server sees them. Cookies are kept; redirects are not followed.
/// </summary>
public static class LoopbackClient
{
    public static HttpClient From(Uri portal, string sourceAddress)
    {
        var source = IPAddress.Parse(sourceAddress);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(IPAddress.Parse(context.DnsEndPoint.Host), context.DnsEndPoint.Port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = portal };
    }
}
