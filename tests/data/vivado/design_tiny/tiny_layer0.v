// Hand-written test layer: an 8-bit to 8-bit lookup table held in tiny_layer0_rom.mem.
module tiny_layer0 (
    input wire clk,
    input wire rst,
    input wire in_valid,
    input wire [7:0] in_data,
    output reg out_valid,
    output reg [7:0] out_data
);
    reg [7:0] rom [0:255];
    initial $readmemh("tiny_layer0_rom.mem", rom);

    always @(posedge clk) begin
        out_valid <= rst ? 1'b0 : in_valid;
        out_data <= rom[in_data];
    end
endmodule
