using Fer.FaceApiPort;

namespace Fer.FaceApiPort.Tests;

public sealed class TfSamePaddingTests
{
    [Theory]
    [InlineData(512, 3, 2, 0, 1, 256)] // even size, stride 2: the extra pixel goes at the end
    [InlineData(2, 3, 2, 0, 1, 1)]
    [InlineData(5, 3, 2, 1, 1, 3)]
    [InlineData(32, 3, 1, 1, 1, 32)]
    [InlineData(16, 1, 1, 0, 0, 16)]
    [InlineData(16, 1, 2, 0, 0, 8)]
    public void Padding_is_split_as_tensorflow_splits_it(long size, long kernel, long stride, long before, long after, long output)
    {
        Assert.Equal(new TfSamePadding(before, after, output), TfSamePadding.For(size, kernel, stride));
    }
}
