#include "implement/board_uart.h"

#include "util/error.h"
#include "util/json_file.h"
#include "util/text_stream.h"

#include <nlohmann/json.hpp>
#include <sstream>

namespace luthier::implement {

namespace {

int bitsFor(int64_t values) // bits of a counter that holds 0 .. values - 1 (at least 1)
{
    int bits = 1;
    while ((int64_t(1) << bits) < values)
        ++bits;
    return bits;
}

} // namespace

BoardShape loadBoardShape(const std::filesystem::path& dir)
{
    const std::filesystem::path path = dir / "manifest.json";
    const nlohmann::json doc = util::parseJson(util::readTextFile(path, "the design manifest"), path.string());
    BoardShape shape;
    try {
        shape.top = doc.at("top").get<std::string>();
        shape.inputCount = doc.at("input").at("count").get<int64_t>();
        shape.inputBits = doc.at("input").at("bits").get<int64_t>();
        shape.outputCount = doc.at("output").at("count").get<int64_t>();
        shape.outputBits = doc.at("output").at("bits").get<int64_t>();
        shape.outputSigned = doc.at("output").value("signed", false);
    } catch (const nlohmann::json::exception& e) {
        throw Error(path.string() + ": the UART board top needs \"top\", \"input\" and \"output\": " + e.what());
    }
    if (shape.inputCount < 1 || shape.inputBits < 1 || shape.outputCount < 1 || shape.outputBits < 1
        || shape.outputBits > 64)
        throw Error(path.string() + ": \"input\"/\"output\" need a positive count and 1 to 64 bits");
    if (shape.outputCount > 256)
        throw Error(path.string() + ": " + std::to_string(shape.outputCount)
            + " outputs; the UART board top sends the class in one byte, so at most 256");
    return shape;
}

std::string uartBoardTopVerilog(const BoardShape& s, int64_t clksPerBit)
{
    const int64_t inBits = s.inputCount * s.inputBits, inBytes = (inBits + 7) / 8;
    const int64_t outBits = s.outputCount * s.outputBits, outBytes = (outBits + 7) / 8;
    const int64_t replyBytes = s.replyBytes();
    const int countWidth = bitsFor(std::max(inBytes, replyBytes) + 1);
    const int indexWidth = bitsFor(s.outputCount);
    const std::string w = std::to_string(s.outputBits);
    util::TextStream v;
    v << "// " << kBoardTop << ": " << s.top << " behind a UART (8N1, CLKS_PER_BIT clock cycles a bit), written by\n"
      << "// Luthier. Request: A5, then " << inBytes << " bytes of in_data (little-endian). Reply: 5A, then "
      << outBytes << " bytes of out_data\n"
      << "// (little-endian), then the class byte (index of the first largest of " << s.outputCount
      << (s.outputSigned ? " signed" : " unsigned") << " outputs). docs/implement.md has the protocol.\n"
      << "module " << kBoardTop << " #(\n"
      << "    parameter CLKS_PER_BIT = " << clksPerBit << "\n"
      << ") (\n"
      << "    input wire clk,\n"
      << "    input wire uart_rx,\n"
      << "    output wire uart_tx\n"
      << ");\n"
      // Wide enough for 16 byte times of 10 bits at up to 2^16 cycles a bit.
      << "    localparam CW = 16, TW = 24;\n"
      << "    localparam [TW-1:0] TIMEOUT = CLKS_PER_BIT * 160;\n"
      // iCE40 flip-flops come out of configuration at 0: the network sees rst for 16 cycles after that.
      << "    reg [4:0] por = 5'd0;\n"
      << "    wire rst = ~por[4];\n"
      << "    always @(posedge clk) if (!por[4]) por <= por + 5'd1;\n\n"
      << "    // Receiver: two-flop synchroniser, each bit sampled in its middle; a byte with a bad stop bit is "
         "dropped.\n"
      << "    reg rx_meta, rx_sync;\n"
      << "    always @(posedge clk) begin\n"
      << "        rx_meta <= uart_rx;\n"
      << "        rx_sync <= rx_meta;\n"
      << "    end\n"
      << "    reg [CW-1:0] rx_count;\n"
      << "    reg [3:0] rx_bit;\n"
      << "    reg [7:0] rx_shift, rx_byte;\n"
      << "    reg rx_busy, rx_done;\n"
      << "    always @(posedge clk) begin\n"
      << "        rx_done <= 1'b0;\n"
      << "        if (rst) begin\n"
      << "            rx_busy <= 1'b0;\n"
      << "            rx_count <= {CW{1'b0}};\n"
      << "            rx_bit <= 4'd0;\n"
      << "        end else if (!rx_busy) begin\n"
      << "            if (!rx_sync) begin\n"
      << "                rx_busy <= 1'b1;\n"
      << "                rx_count <= CLKS_PER_BIT / 2;\n"
      << "                rx_bit <= 4'd0;\n"
      << "            end\n"
      << "        end else if (rx_count != 0) begin\n"
      << "            rx_count <= rx_count - 1'b1;\n"
      << "        end else begin\n"
      << "            rx_count <= CLKS_PER_BIT - 1;\n"
      << "            rx_bit <= rx_bit + 4'd1;\n"
      << "            if (rx_bit == 4'd0) begin\n"
      << "                if (rx_sync) rx_busy <= 1'b0; // a glitch, not a start bit\n"
      << "            end else if (rx_bit <= 4'd8) begin\n"
      << "                rx_shift <= {rx_sync, rx_shift[7:1]};\n"
      << "            end else begin\n"
      << "                rx_busy <= 1'b0;\n"
      << "                rx_done <= rx_sync;\n"
      << "                rx_byte <= rx_shift;\n"
      << "            end\n"
      << "        end\n"
      << "    end\n\n"
      << "    // Transmitter: start bit, 8 data bits LSB first, a whole stop bit before the next byte.\n"
      << "    reg [9:0] tx_shift;\n"
      << "    reg [3:0] tx_left;\n"
      << "    reg [CW-1:0] tx_count;\n"
      << "    reg tx_line, tx_start;\n"
      << "    reg [7:0] tx_byte;\n"
      << "    wire tx_idle = tx_left == 4'd0;\n"
      << "    always @(posedge clk) begin\n"
      << "        if (rst) begin\n"
      << "            tx_left <= 4'd0;\n"
      << "            tx_line <= 1'b1;\n"
      << "            tx_count <= {CW{1'b0}};\n"
      << "        end else if (tx_idle) begin\n"
      << "            if (tx_start) begin\n"
      << "                tx_shift <= {1'b1, tx_byte, 1'b0};\n"
      << "                tx_left <= 4'd11;\n"
      << "                tx_count <= {CW{1'b0}};\n"
      << "            end\n"
      << "        end else if (tx_count != 0) begin\n"
      << "            tx_count <= tx_count - 1'b1;\n"
      << "        end else begin\n"
      << "            tx_line <= tx_shift[0];\n"
      << "            tx_shift <= {1'b1, tx_shift[9:1]};\n"
      << "            tx_left <= tx_left - 4'd1;\n"
      << "            tx_count <= CLKS_PER_BIT - 1;\n"
      << "        end\n"
      << "    end\n"
      << "    assign uart_tx = tx_line;\n\n"
      << "    // The shell: collect a request, hand it to the network, take its output, find the class, reply.\n"
      << "    localparam S_IDLE = 3'd0, S_PAYLOAD = 3'd1, S_RUN = 3'd2, S_WAIT = 3'd3, S_ARGMAX = 3'd4, S_REPLY = 3'd5,"
         " S_SEND = 3'd6;\n"
      << "    reg [2:0] state;\n"
      << "    reg [" << countWidth - 1 << ":0] byte_count;\n"
      << "    reg [TW-1:0] idle;\n"
      << "    reg [" << inBytes * 8 - 1 << ":0] in_buf;\n"
      << "    reg [" << outBytes * 8 - 1 << ":0] out_buf;\n"
      << "    reg [" << outBits - 1 << ":0] scan;\n"
      << "    reg [" << s.outputBits - 1 << ":0] best;\n"
      << "    reg [" << indexWidth - 1 << ":0] scan_index, best_index;\n"
      << "    reg [" << replyBytes * 8 - 1 << ":0] reply;\n"
      << "    wire net_in_ready, net_out_valid;\n"
      << "    wire [" << outBits - 1 << ":0] net_out_data;\n"
      << "    " << s.top << " u_net (\n"
      << "        .clk(clk),\n"
      << "        .rst(rst),\n"
      << "        .in_valid(state == S_RUN),\n"
      << "        .in_ready(net_in_ready),\n"
      << "        .in_data(in_buf[" << inBits - 1 << ":0]),\n"
      << "        .out_valid(net_out_valid),\n"
      << "        .out_ready(state == S_WAIT),\n"
      << "        .out_data(net_out_data)\n"
      << "    );\n"
      << "    wire [" << s.outputBits - 1 << ":0] element = scan[" << s.outputBits - 1 << ":0];\n"
      << "    wire greater = " << (s.outputSigned ? "$signed(element) > $signed(best)" : "element > best") << ";\n"
      << "    always @(posedge clk) begin\n"
      << "        tx_start <= 1'b0;\n"
      << "        if (rst) begin\n"
      << "            state <= S_IDLE;\n"
      << "        end else begin\n"
      << "            case (state)\n"
      << "            S_IDLE:\n"
      << "                if (rx_done && rx_byte == 8'hA5) begin\n"
      << "                    state <= S_PAYLOAD;\n"
      << "                    byte_count <= 0;\n"
      << "                    idle <= {TW{1'b0}};\n"
      << "                end\n"
      << "            S_PAYLOAD:\n"
      << "                if (rx_done) begin\n"
      << "                    in_buf <= "
      << (inBytes == 1 ? std::string("rx_byte") : "{rx_byte, in_buf[" + std::to_string(inBytes * 8 - 1) + ":8]}")
      << ";\n"
      << "                    idle <= {TW{1'b0}};\n"
      << "                    if (byte_count == " << inBytes - 1 << ") state <= S_RUN;\n"
      << "                    byte_count <= byte_count + 1'b1;\n"
      << "                end else begin\n"
      << "                    idle <= idle + 1'b1;\n"
      << "                    if (idle == TIMEOUT) state <= S_IDLE; // cut short: wait for the next header\n"
      << "                end\n"
      << "            S_RUN:\n"
      << "                if (net_in_ready) state <= S_WAIT;\n"
      << "            S_WAIT:\n"
      << "                if (net_out_valid) begin\n"
      << "                    out_buf <= "
      << (outBytes * 8 == outBits ? std::string("net_out_data")
                                  : "{" + std::to_string(outBytes * 8 - outBits) + "'d0, net_out_data}")
      << ";\n"
      << "                    scan <= net_out_data;\n"
      << "                    best <= net_out_data[" << s.outputBits - 1 << ":0];\n"
      << "                    scan_index <= 0;\n"
      << "                    best_index <= 0;\n"
      << "                    state <= S_ARGMAX;\n"
      << "                end\n"
      << "            S_ARGMAX: begin\n"
      << "                if (greater) begin\n"
      << "                    best <= element;\n"
      << "                    best_index <= scan_index;\n"
      << "                end\n"
      << "                scan <= scan >> " << w << ";\n"
      << "                scan_index <= scan_index + 1'b1;\n"
      << "                if (scan_index == " << s.outputCount - 1 << ") state <= S_REPLY;\n"
      << "            end\n"
      << "            S_REPLY: begin\n"
      << "                reply <= {" << (indexWidth == 8 ? std::string() : std::to_string(8 - indexWidth) + "'d0, ")
      << "best_index, out_buf, 8'h5A};\n"
      << "                byte_count <= 0;\n"
      << "                state <= S_SEND;\n"
      << "            end\n"
      << "            S_SEND:\n"
      << "                if (tx_idle && !tx_start) begin\n"
      << "                    if (byte_count == " << replyBytes << ") begin\n"
      << "                        state <= S_IDLE;\n"
      << "                    end else begin\n"
      << "                        tx_byte <= reply[7:0];\n"
      << "                        reply <= reply >> 8;\n"
      << "                        tx_start <= 1'b1;\n"
      << "                        byte_count <= byte_count + 1'b1;\n"
      << "                    end\n"
      << "                end\n"
      << "            default: state <= S_IDLE;\n"
      << "            endcase\n"
      << "        end\n"
      << "    end\n"
      << "endmodule\n";
    return v.str();
}

std::string boardPins(const std::string& part)
{
    // iCEBreaker: 12 MHz oscillator on pin 35, the FTDI's second channel on pins 6 (RX) and 9 (TX).
    if (part == "ice40up5k") return "set_io clk 35\nset_io uart_rx 6\nset_io uart_tx 9\n";
    // HX8K breakout board: 12 MHz on J3, the FTDI's second channel on B10 (RX) and B12 (TX).
    if (part == "ice40hx8k") return "set_io clk J3\nset_io uart_rx B10\nset_io uart_tx B12\n";
    throw Error("no board pins known for " + part);
}

std::vector<uint8_t> packRequest(const BoardShape& shape, const uint64_t* codes)
{
    std::vector<uint8_t> bytes(size_t(shape.requestBytes()), 0);
    bytes[0] = kRequestHeader;
    int64_t bit = 0;
    for (int64_t i = 0; i < shape.inputCount; ++i)
        for (int64_t b = 0; b < shape.inputBits; ++b, ++bit)
            if ((codes[i] >> b) & 1) bytes[size_t(1 + bit / 8)] |= uint8_t(1u << (bit % 8));
    return bytes;
}

Reply parseReply(const BoardShape& shape, const uint8_t* bytes)
{
    if (bytes[0] != kReplyHeader)
        throw Error("the board's reply starts with " + std::to_string(bytes[0]) + ", not the header 0x5A");
    Reply reply;
    int64_t bit = 0;
    for (int64_t o = 0; o < shape.outputCount; ++o) {
        uint64_t code = 0;
        for (int64_t b = 0; b < shape.outputBits; ++b, ++bit)
            code |= uint64_t((bytes[size_t(1 + bit / 8)] >> (bit % 8)) & 1) << b;
        if (shape.outputSigned && shape.outputBits < 64 && ((code >> (shape.outputBits - 1)) & 1))
            code |= ~uint64_t(0) << shape.outputBits;
        reply.outputs.push_back(int64_t(code));
    }
    reply.classIndex = bytes[size_t(shape.replyBytes() - 1)];
    return reply;
}

} // namespace luthier::implement
