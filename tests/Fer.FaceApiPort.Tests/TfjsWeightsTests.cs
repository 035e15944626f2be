using System.Buffers.Binary;
using Fer.FaceApiPort;
using Fer.Testing;

namespace Fer.FaceApiPort.Tests;

/// <summary>The TF.js weights reader: values as TF.js decodes them, and files that do not fit refused by tensor name.</summary>
public sealed class TfjsWeightsTests
{
    [Fact]
    public void Quantized_values_are_dequantized_as_tfjs_does()
    {
        using var temp = new TempDirectory();
        var manifest = Write(temp, """
            [{"paths": ["a.bin"], "weights": [
              {"name": "u8", "shape": [3], "dtype": "float32", "quantization": {"dtype": "uint8", "scale": 0.1, "min": -1.0}},
              {"name": "u16", "shape": [2], "dtype": "float32", "quantization": {"dtype": "uint16", "scale": 0.5, "min": 2}},
              {"name": "f16", "shape": [2], "dtype": "float32", "quantization": {"dtype": "float16"}},
              {"name": "i32", "shape": [2], "dtype": "int32", "quantization": {"dtype": "uint8", "scale": 0.25, "min": 0}},
              {"name": "f32", "shape": [1, 2], "dtype": "float32"}
            ]}]
            """, ("a.bin", Bytes([0, 10, 255], U16(3), U16(65535), Half(1.5f), Half(-0.25f), [2, 6], F32(3.25f), F32(-7f))));

        var weights = TfjsWeights.Load(manifest);

        Assert.Equal([(float)((0 * 0.1) - 1.0), (float)((10 * 0.1) - 1.0), (float)((255 * 0.1) - 1.0)], weights.Get("u8", 3).Values);
        Assert.Equal([3.5f, 32769.5f], weights.Get("u16", 2).Values);
        Assert.Equal([1.5f, -0.25f], weights.Get("f16", 2).Values);
        Assert.Equal([1f, 2f], weights.Get("i32", 2).Values); // 0.5 and 1.5 rounded half up, as Math.round does
        Assert.Equal([3.25f, -7f], weights.Get("f32", 1, 2).Values);
        Assert.Equal(["a.bin"], weights.Shards);
    }

    [Fact]
    public void Tensors_continue_across_shards()
    {
        using var temp = new TempDirectory();
        var manifest = Write(temp, """
            [{"paths": ["p1.bin", "p2.bin"], "weights": [{"name": "w", "shape": [2], "dtype": "float32"}]}]
            """, ("p1.bin", F32(1f).Concat(F32(2f)[..2]).ToArray()), ("p2.bin", F32(2f)[2..]));

        Assert.Equal([1f, 2f], TfjsWeights.Load(manifest).Get("w", 2).Values);
    }

    [Fact]
    public void A_shard_too_short_is_refused_naming_the_tensor_that_does_not_fit()
    {
        using var temp = new TempDirectory();
        var manifest = Write(temp, """
            [{"paths": ["a.bin"], "weights": [{"name": "first", "shape": [1], "dtype": "float32"}, {"name": "conv/weights", "shape": [2, 2], "dtype": "float32"}]}]
            """, ("a.bin", new byte[12]));

        var error = Assert.Throws<InvalidDataException>(() => TfjsWeights.Load(manifest));

        Assert.Contains("tensor 'conv/weights' [2, 2] needs 16 bytes at offset 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_left_over_are_refused_naming_the_last_tensor()
    {
        using var temp = new TempDirectory();
        var manifest = Write(temp, """
            [{"paths": ["a.bin"], "weights": [{"name": "only", "shape": [1], "dtype": "float32"}]}]
            """, ("a.bin", new byte[6]));

        var error = Assert.Throws<InvalidDataException>(() => TfjsWeights.Load(manifest));

        Assert.Contains("2 bytes after the last tensor 'only'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"name": "q", "shape": [1], "dtype": "float32", "quantization": {"dtype": "int4", "scale": 1, "min": 0}}""", "tensor 'q' of dtype float32 is quantized as 'int4'")]
    [InlineData("""{"name": "q", "shape": [1], "dtype": "float32", "quantization": {"dtype": "uint8", "min": 0}}""", "tensor 'q' is quantized as uint8 without a numeric 'scale'")]
    [InlineData("""{"name": "q", "shape": [1], "dtype": "int32", "quantization": {"dtype": "float16"}}""", "tensor 'q' of dtype int32 is quantized as 'float16'")]
    [InlineData("""{"name": "s", "shape": [1], "dtype": "string"}""", "tensor 's' has dtype 'string'")]
    [InlineData("""{"name": "n", "shape": [-1], "dtype": "float32"}""", "tensor 'n' has a shape entry '-1'")]
    public void Entries_that_tfjs_would_not_read_are_refused_by_name(string entry, string message)
    {
        using var temp = new TempDirectory();
        var manifest = Write(temp, $$"""[{"paths": ["a.bin"], "weights": [{{entry}}]}]""", ("a.bin", new byte[4]));

        var error = Assert.Throws<InvalidDataException>(() => TfjsWeights.Load(manifest));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tensor_of_another_shape_or_a_missing_tensor_is_refused_by_name()
    {
        using var temp = new TempDirectory();
        var weights = TfjsWeights.Load(Write(temp, """[{"paths": ["a.bin"], "weights": [{"name": "w", "shape": [2], "dtype": "float32"}]}]""", ("a.bin", new byte[8])));

        Assert.Contains("tensor 'w' has shape [2], expected [3]", Assert.Throws<InvalidDataException>(() => weights.Get("w", 3)).Message, StringComparison.Ordinal);
        Assert.Contains("tensor 'v' is missing", Assert.Throws<InvalidDataException>(() => weights.Get("v", 2)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_shard_is_named()
    {
        using var temp = new TempDirectory();
        var manifest = Write(temp, """[{"paths": ["gone.bin"], "weights": []}]""");

        var error = Assert.Throws<FileNotFoundException>(() => TfjsWeights.Load(manifest));

        Assert.Contains("gone.bin", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Face_api_detector_weights_load_with_the_anchors_face_api_decodes_against()
    {
        var weights = TfjsWeights.Load(Path.Combine(FaceApiReference.WeightsDirectory, FaceApiWeightLoader.ManifestFileName));

        var anchors = weights.Get(FaceApiWeightLoader.AnchorsName, 1, 5118, 4).Values;

        // The first anchor: the 32x32 map's top-left cell, 0.1 high and wide, centred at 0.5 / 32.
        Assert.Equal(0.015625f, (anchors[0] + anchors[2]) / 2, 1e-6f);
        Assert.Equal(0.1f, anchors[2] - anchors[0], 1e-6f);
        Assert.Equal(5118 * 4, anchors.Length);
    }

    private static string Write(TempDirectory temp, string manifest, params (string Name, byte[] Bytes)[] shards)
    {
        foreach (var (name, bytes) in shards)
        {
            File.WriteAllBytes(temp.File(name), bytes);
        }

        File.WriteAllText(temp.File("weights_manifest.json"), manifest);
        return temp.File("weights_manifest.json");
    }

    private static byte[] Bytes(params byte[][] parts) => [.. parts.SelectMany(part => part)];

    private static byte[] U16(ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] Half(float value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteHalfLittleEndian(bytes, (Half)value);
        return bytes;
    }

    private static byte[] F32(float value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        return bytes;
    }
}
