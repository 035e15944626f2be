using Fer.Inference.Models;
using Fer.Inference.Preprocessing;
using SkiaSharp;

namespace Fer.Inference.Tests;

public sealed class ImageDecoderTests
{
    [Theory]
    [InlineData(new byte[0], ImageErrorCodes.Empty)]
    [InlineData(new byte[] { 0x68, 0x65, 0x6C, 0x6C, 0x6F, 0x20, 0x77, 0x6F, 0x72, 0x6C, 0x64 }, ImageErrorCodes.NotAnImage)]
    [InlineData(new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D, 0x31, 0x2E, 0x34, 0x0A, 0x25, 0xE2, 0xE3, 0xCF, 0xD3, 0x0A }, ImageErrorCodes.NotAnImage)]
    public void Files_that_are_not_images_are_rejected_with_a_specific_code(byte[] bytes, string code)
    {
        var error = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(bytes));
        Assert.Equal(code, error.Code);
    }

    [Fact]
    public void A_truncated_jpeg_is_rejected_as_corrupt()
    {
        var jpeg = TestImages.NoisyJpeg(200, 200);

        var error = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(jpeg.AsSpan(0, jpeg.Length * 2 / 3)));

        Assert.Equal(ImageErrorCodes.Corrupt, error.Code);
    }

    [Fact]
    public void A_png_claiming_100000_by_100000_pixels_is_rejected_before_decoding()
    {
        var error = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(TestImages.PngClaiming(100_000, 100_000)));

        Assert.Equal(ImageErrorCodes.TooManyPixels, error.Code);
        Assert.Contains("100,000x100,000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_over_the_byte_limit_is_rejected_unread()
    {
        var error = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(new byte[2048], new ImageLimits { MaxEncodedBytes = 1024 }));
        Assert.Equal(ImageErrorCodes.TooLarge, error.Code);
    }

    [Fact]
    public void Sixteen_bit_grey_and_alpha_pngs_decode_to_8_bit_rgb()
    {
        var sixteen = ImageDecoder.Decode(TestImages.RawPng(4, 3, colorType: 2, bitDepth: 16, (_, _, c) => c == 0 ? (ushort)65535 : (ushort)0));
        var grey = ImageDecoder.Decode(TestImages.RawPng(4, 3, colorType: 0, bitDepth: 8, (_, _, _) => 128));
        var alpha = ImageDecoder.Decode(TestImages.RawPng(2, 1, colorType: 6, bitDepth: 8, (x, _, c) => c == 3 ? (ushort)(x == 0 ? 255 : 0) : (ushort)200));

        Assert.Equal((4, 3), (sixteen.Width, sixteen.Height));
        Assert.Equal(new byte[] { 255, 0, 0 }, sixteen.Pixels[..3]);
        Assert.Equal(new byte[] { 128, 128, 128 }, grey.Pixels[..3]);
        Assert.Equal(new byte[] { 200, 200, 200, 0, 0, 0 }, alpha.Pixels); // transparent over black
    }

    [Fact]
    public void Cmyk_jpeg_webp_and_the_first_frame_of_an_animated_gif_decode()
    {
        var cmyk = ImageDecoder.Decode(File.ReadAllBytes(TestImages.Fixture("cmyk.jpg")));
        var gif = ImageDecoder.Decode(File.ReadAllBytes(TestImages.Fixture("animated.gif")));
        var webp = ImageDecoder.Decode(TestImages.Webp(10, 6, SKColors.Lime));

        Assert.Equal((48, 48), (cmyk.Width, cmyk.Height));
        Assert.Equal((32, 32), (gif.Width, gif.Height));
        Assert.True(gif.Pixels[0] > 200 && gif.Pixels[2] < 50, "the first frame is red");
        Assert.Equal((10, 6), (webp.Width, webp.Height));
    }

    [Fact]
    public void Exif_orientation_is_applied()
    {
        // Stored 40x20, red left and blue right; orientation 6 (rotate 90 degrees clockwise to view).
        var image = ImageDecoder.Decode(TestImages.JpegWithOrientation(40, 20, orientation: 6));

        Assert.Equal((20, 40), (image.Width, image.Height));
        Assert.True(image.Pixels[0] > 200 && image.Pixels[2] < 60, "the top row is red after rotation");
        var bottom = ((39 * 20) + 10) * 3;
        Assert.True(image.Pixels[bottom + 2] > 200 && image.Pixels[bottom] < 60, "the bottom row is blue after rotation");
    }

    [Fact]
    public void A_one_pixel_image_is_resized_and_normalised()
    {
        var preprocessor = new ImagePreprocessor(new ModelInput { Size = 8 });
        var tensor = new float[preprocessor.TensorLength];

        preprocessor.Preprocess(TestImages.Png(1, 1, new SKColor(255, 0, 0)), tensor);

        Assert.Equal((1 - 0.485f) / 0.229f, tensor[0], 4);
        Assert.Equal((0 - 0.456f) / 0.224f, tensor[64], 4);
    }

    [Fact]
    public void Gray_models_get_luma_replicated_to_three_channels()
    {
        var preprocessor = new ImagePreprocessor(new ModelInput { Size = 8, Color = "gray", Mean = [0, 0, 0], Std = [1, 1, 1] });
        var tensor = new float[preprocessor.TensorLength];

        preprocessor.Preprocess(TestImages.Png(2, 2, new SKColor(255, 0, 0)), tensor);

        var luma = 76 / 255f; // round(0.299 * 255)
        Assert.All(tensor, v => Assert.Equal(luma, v, 5));
    }
}
