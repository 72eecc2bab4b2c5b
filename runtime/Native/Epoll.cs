using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LuaToolkit.Native;

/// <summary>
/// The Linux calls behind <see cref="LuaEventLoop"/>: epoll, an eventfd to wake it, and non-blocking
/// <c>recv</c>/<c>send</c> (<c>MSG_DONTWAIT</c>, so a socket's own blocking mode is left alone). None of
/// them calls back into managed code; each returns -1 and leaves <c>errno</c> for
/// <see cref="Marshal.GetLastPInvokeError"/> on failure.
/// </summary>
internal static unsafe partial class Epoll
{
    public static bool IsSupported => OperatingSystem.IsLinux();

    public const uint In = 0x001, Out = 0x004, Err = 0x008, Hup = 0x010, RdHup = 0x2000, EdgeTriggered = 1u << 31;

    private const int CloseOnExec = 0x80000, NonBlocking = 0x800;
    private const int CtlAdd = 1, CtlDel = 2;
    private const int MsgDontWait = 0x40, MsgNoSignal = 0x4000;
    private const int EINTR = 4, EAGAIN = 11;

    // struct epoll_event { uint32_t events; uint64_t data; } is packed on x86-64 (12 bytes) and naturally
    // aligned elsewhere (16 bytes).
    public static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int DataOffset = EventSize == 12 ? 4 : 8;

    public static uint EventsAt(byte* events, int i) => Unsafe.ReadUnaligned<uint>(events + i * EventSize);

    public static ulong DataAt(byte* events, int i) => Unsafe.ReadUnaligned<ulong>(events + i * EventSize + DataOffset);

    /// <summary>A new epoll instance; throws on failure.</summary>
    public static int Create()
    {
        int fd = epoll_create1(CloseOnExec);
        return fd >= 0 ? fd : throw Failure("epoll_create1");
    }

    /// <summary>A new non-blocking eventfd; throws on failure.</summary>
    public static int CreateEventFd()
    {
        int fd = eventfd(0, CloseOnExec | NonBlocking);
        return fd >= 0 ? fd : throw Failure("eventfd");
    }

    public static void Add(int epfd, nint fd, uint events, ulong data)
    {
        byte* ev = stackalloc byte[16];
        Unsafe.WriteUnaligned(ev, events);
        Unsafe.WriteUnaligned(ev + DataOffset, data);
        if (epoll_ctl(epfd, CtlAdd, (int)fd, ev) != 0) throw Failure("epoll_ctl");
    }

    /// <summary>Removes <paramref name="fd"/>; a descriptor that is already gone is not an error.</summary>
    public static void Remove(int epfd, nint fd)
    {
        byte* ev = stackalloc byte[16];
        epoll_ctl(epfd, CtlDel, (int)fd, ev);
    }

    /// <summary>Waits for events; 0 when interrupted by a signal.</summary>
    public static int Wait(int epfd, byte* events, int max, int timeoutMs)
    {
        int n = epoll_wait(epfd, events, max, timeoutMs);
        if (n >= 0) return n;
        return Marshal.GetLastPInvokeError() == EINTR ? 0 : throw Failure("epoll_wait");
    }

    public static void Signal(int eventFd)
    {
        ulong one = 1;
        write(eventFd, &one, 8);    // cannot fail short of 2^64 - 1 pending wake-ups
    }

    public static void Drain(int eventFd)
    {
        ulong value;
        read(eventFd, &value, 8);
    }

    public static void Close(int fd) => close(fd);

    /// <summary>Bytes received (0 at end of stream), or -1 with <paramref name="error"/> set; never blocks.</summary>
    public static int Receive(nint fd, Span<byte> buffer, out SocketError error)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                nint n = recv((int)fd, p, buffer.Length, MsgDontWait);
                if (n >= 0) { error = SocketError.Success; return (int)n; }
                int errno = Marshal.GetLastPInvokeError();
                if (errno == EINTR) continue;
                error = ToSocketError(errno);
                return -1;
            }
        }
    }

    /// <summary>Bytes sent (possibly fewer than asked), or -1 with <paramref name="error"/> set; never blocks.</summary>
    public static int Send(nint fd, ReadOnlySpan<byte> buffer, out SocketError error)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                nint n = send((int)fd, p, buffer.Length, MsgDontWait | MsgNoSignal);
                if (n >= 0) { error = SocketError.Success; return (int)n; }
                int errno = Marshal.GetLastPInvokeError();
                if (errno == EINTR) continue;
                error = ToSocketError(errno);
                return -1;
            }
        }
    }

    /// <summary>Linux <c>errno</c> values a connected TCP socket reports, as .NET's <see cref="SocketError"/>.</summary>
    private static SocketError ToSocketError(int errno) => errno switch
    {
        EAGAIN => SocketError.WouldBlock,
        9 => SocketError.OperationAborted,      // EBADF: closed under us
        32 => SocketError.Shutdown,             // EPIPE
        101 => SocketError.NetworkUnreachable,  // ENETUNREACH
        103 => SocketError.ConnectionAborted,   // ECONNABORTED
        104 => SocketError.ConnectionReset,     // ECONNRESET
        107 => SocketError.NotConnected,        // ENOTCONN
        110 => SocketError.TimedOut,            // ETIMEDOUT
        111 => SocketError.ConnectionRefused,   // ECONNREFUSED
        113 => SocketError.HostUnreachable,     // EHOSTUNREACH
        _ => SocketError.SocketError,
    };

    private static IOException Failure(string call) =>
        new($"{call} failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_ctl(int epfd, int op, int fd, byte* ev);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_wait(int epfd, byte* events, int maxevents, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int eventfd(uint initval, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint read(int fd, void* buf, nint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint write(int fd, void* buf, nint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recv(int fd, byte* buf, nint len, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint send(int fd, byte* buf, nint len, int flags);
}
