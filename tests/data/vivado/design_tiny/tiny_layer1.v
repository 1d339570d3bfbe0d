// Hand-written test layer: the sum of the two nibbles of its input.
module tiny_layer1 (
    input wire clk,
    input wire rst,
    input wire in_valid,
    input wire [7:0] in_data,
    output reg out_valid,
    output reg [4:0] out_data
);
    always @(posedge clk) begin
        out_valid <= rst ? 1'b0 : in_valid;
        out_data <= {1'b0, in_data[7:4]} + {1'b0, in_data[3:0]};
    end
endmodule
