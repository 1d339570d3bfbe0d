#include "implement/board_serial.h"

#include "util/error.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

namespace luthier::implement {

namespace {

speed_t speedOf(int64_t baud)
{
    switch (baud) {
    case 9600:
        return B9600;
    case 19200:
        return B19200;
    case 38400:
        return B38400;
    case 57600:
        return B57600;
    case 115200:
        return B115200;
    case 230400:
        return B230400;
    case 460800:
        return B460800;
    case 921600:
        return B921600;
    case 1000000:
        return B1000000;
    case 2000000:
        return B2000000;
    case 3000000:
        return B3000000;
    default:
        throw Error("--baud " + std::to_string(baud) + ": not a standard serial speed (9600 ... 3000000)");
    }
}

class SerialPort {
public:
    SerialPort(const std::filesystem::path& device, int64_t baud)
        : m_name(device.string())
    {
        const speed_t speed = speedOf(baud);
        m_fd = ::open(m_name.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (m_fd < 0) throw Error("cannot open " + m_name + ": " + std::strerror(errno));
        termios t {};
        if (tcgetattr(m_fd, &t) != 0) fail("is not a serial port");
        cfmakeraw(&t); // 8 data bits, no parity, no echo, no line editing
        t.c_cflag |= CLOCAL | CREAD;
        t.c_cflag &= ~tcflag_t(CSTOPB | CRTSCTS);
        if (cfsetispeed(&t, speed) != 0 || cfsetospeed(&t, speed) != 0 || tcsetattr(m_fd, TCSANOW, &t) != 0)
            fail("cannot be set to 8N1 at " + std::to_string(baud) + " baud");
        tcflush(m_fd, TCIOFLUSH); // whatever an earlier run left unread
    }
    ~SerialPort() { ::close(m_fd); }
    SerialPort(const SerialPort&) = delete;
    SerialPort& operator=(const SerialPort&) = delete;

    void write(const std::vector<uint8_t>& bytes)
    {
        for (size_t done = 0; done < bytes.size();) {
            const ssize_t n = ::write(m_fd, bytes.data() + done, bytes.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) fail("write failed");
            done += size_t(n);
        }
    }

    // Exactly `n` bytes, or an Error after `timeout` seconds without them.
    std::vector<uint8_t> read(size_t n, double timeout, const Progress& progress)
    {
        std::vector<uint8_t> bytes(n);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout);
        for (size_t got = 0; got < n;) {
            progress.checkpoint();
            if (std::chrono::steady_clock::now() > deadline)
                throw Error("no reply from " + m_name + " within " + std::to_string(timeout) + " s ("
                    + std::to_string(got) + " of " + std::to_string(n)
                    + " bytes): is the UART board top loaded, at this baud rate?");
            pollfd p { m_fd, POLLIN, 0 };
            if (::poll(&p, 1, 50) <= 0) continue; // 50 ms slices so that a cancel is seen
            const ssize_t r = ::read(m_fd, bytes.data() + got, n - got);
            if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
            if (r <= 0) fail("read failed");
            got += size_t(r);
        }
        return bytes;
    }

private:
    [[noreturn]] void fail(const std::string& what)
    {
        throw Error(m_name + " " + what + (errno ? std::string(": ") + std::strerror(errno) : std::string()));
    }

    std::string m_name;
    int m_fd = -1;
};

} // namespace

BoardRunReport runOnBoard(const std::filesystem::path& device, const BoardShape& shape, const rtl::TestVectors& vectors,
    const BoardRunOptions& options, Progress* progress)
{
    if (vectors.inputCount != shape.inputCount || vectors.outputCount != shape.outputCount)
        throw Error("the vectors have " + std::to_string(vectors.inputCount) + " inputs and "
            + std::to_string(vectors.outputCount) + " outputs, the design " + std::to_string(shape.inputCount) + " and "
            + std::to_string(shape.outputCount));
    Progress none;
    Progress& tracker = progress ? *progress : none;
    SerialPort port(device, options.baud);
    BoardRunReport report;
    report.vectors = options.maxVectors >= 0 ? std::min(options.maxVectors, vectors.count()) : vectors.count();
    const auto start = std::chrono::steady_clock::now();
    for (int64_t v = 0; v < report.vectors; ++v) {
        port.write(packRequest(shape, &vectors.inputs[size_t(v * vectors.inputCount)]));
        const std::vector<uint8_t> bytes = port.read(size_t(shape.replyBytes()), options.replyTimeoutSeconds, tracker);
        const Reply reply = parseReply(shape, bytes.data());
        const int64_t* expected = &vectors.expected[size_t(v * vectors.outputCount)];
        int64_t best = 0;
        bool same = true;
        auto mismatch = [&](int64_t output, int64_t want, int64_t got) {
            same = false;
            if (int(report.mismatches.size()) < options.maxMismatches)
                report.mismatches.push_back({ v, output, want, got });
        };
        for (int64_t o = 0; o < shape.outputCount; ++o) {
            if (reply.outputs[size_t(o)] != expected[o]) mismatch(o, expected[o], reply.outputs[size_t(o)]);
            if (expected[o] > expected[best]) best = o;
        }
        if (reply.classIndex != best) mismatch(shape.outputCount, best, reply.classIndex);
        ++(same ? report.passed : report.failed);
        tracker.report(double(v + 1) / double(report.vectors), "vectors on the board");
    }
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
}

} // namespace luthier::implement
