// Hand-written two-layer design for the Vivado export tests (not compiler output): layer 0 looks its
// input up in a ROM read with $readmemh, layer 1 adds the two nibbles of that result.
module tiny_top (
    input wire clk,
    input wire rst,
    input wire in_valid,
    input wire [7:0] in_data,
    output wire out_valid,
    output wire [4:0] out_data
);
    wire mid_valid;
    wire [7:0] mid_data;

    tiny_layer0 u_layer0 (.clk(clk), .rst(rst), .in_valid(in_valid), .in_data(in_data),
        .out_valid(mid_valid), .out_data(mid_data));
    tiny_layer1 u_layer1 (.clk(clk), .rst(rst), .in_valid(mid_valid), .in_data(mid_data),
        .out_valid(out_valid), .out_data(out_data));
endmodule
