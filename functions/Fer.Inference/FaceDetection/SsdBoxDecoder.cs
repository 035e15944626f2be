namespace Fer.Inference.FaceDetection;

/// <summary>
/// face-api's <c>outputLayer</c>: turns the raw SSD predictions into boxes and face scores. Anchors and boxes
/// are (ymin, xmin, ymax, xmax) in 0..1 of the square input. An anchor's centre moves by the encoding divided
/// by the centre scale times its size; its size is scaled by exp(encoding / size scale). The face score is the
/// sigmoid of class logit 1. Float32 throughout, in face-api's order of operations.
/// </summary>
public static class SsdBoxDecoder
{
    /// <param name="predictions">[anchors, 7] of one image: 4 encodings (ty, tx, th, tw), 3 class logits.</param>
    /// <param name="anchors">[anchors, 4].</param>
    public static (float[] Boxes, float[] Scores) Decode(ReadOnlySpan<float> predictions, ReadOnlySpan<float> anchors, FaceDetectorDecoding decoding)
    {
        ArgumentNullException.ThrowIfNull(decoding);
        const int Width = 7;
        var count = anchors.Length / 4;
        if (predictions.Length != count * Width)
        {
            throw new ArgumentException($"Expected {count} x {Width} predictions for {count} anchors, got {predictions.Length} values.", nameof(predictions));
        }

        var boxes = new float[count * 4];
        var scores = new float[count];
        for (var i = 0; i < count; i++)
        {
            var anchor = anchors.Slice(i * 4, 4);
            var encoding = predictions.Slice(i * Width, Width);
            var height = anchor[2] - anchor[0];
            var width = anchor[3] - anchor[1];
            var centerY = anchor[0] + (height / 2);
            var centerX = anchor[1] + (width / 2);
            var halfHeight = MathF.Exp(encoding[2] / decoding.SizeScale) * height / 2;
            var halfWidth = MathF.Exp(encoding[3] / decoding.SizeScale) * width / 2;
            var y = (encoding[0] / decoding.CenterScale * height) + centerY;
            var x = (encoding[1] / decoding.CenterScale * width) + centerX;
            boxes[(i * 4) + 0] = y - halfHeight;
            boxes[(i * 4) + 1] = x - halfWidth;
            boxes[(i * 4) + 2] = y + halfHeight;
            boxes[(i * 4) + 3] = x + halfWidth;
            scores[i] = 1f / (1f + MathF.Exp(-encoding[5]));
        }

        return (boxes, scores);
    }
}
