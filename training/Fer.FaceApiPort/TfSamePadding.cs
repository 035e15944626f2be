namespace Fer.FaceApiPort;

/// <summary>
/// TensorFlow's 'same' padding for one spatial axis: the output has ceil(size / stride) positions and the
/// padding that needs is split with the odd pixel at the end (bottom or right). PyTorch pads both sides
/// alike, so a stride-2 3x3 convolution over an even size needs this explicitly (0 before, 1 after).
/// </summary>
public readonly record struct TfSamePadding(long Before, long After, long OutputSize)
{
    public bool IsSymmetric => Before == After;

    public static TfSamePadding For(long inputSize, long kernelSize, long stride)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        var output = (inputSize + stride - 1) / stride;
        var total = Math.Max(((output - 1) * stride) + kernelSize - inputSize, 0);
        return new TfSamePadding(total / 2, total - (total / 2), output);
    }
}
