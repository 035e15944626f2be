using Fer.Inference.FaceDetection;
using Fer.Inference.Models;
using Fer.Inference.Preprocessing;

namespace Fer.Training.Quantization;

/// <summary>One photo's faces from the fp32 and the int8 detector: how many each found, how many pair up, and how close.</summary>
public sealed record PhotoBoxParity(string Photo, int Fp32Faces, int Int8Faces, int Matched, double MinIou, double MeanIou, double MaxScoreDifference);

/// <summary>
/// The int8 face detector against the fp32 one on photos, through serving's detection (the reduced decode, the
/// whole-image pass and the tiles, merged): each fp32 face is paired with the int8 face it overlaps most (IoU at least
/// 0.5, each used once).
/// </summary>
public static class DetectorParity
{
    public static IReadOnlyList<PhotoBoxParity> Compare(string detectorFolder, IEnumerable<string> photos)
    {
        using var fp32 = FaceDetector.Load(detectorFolder, precision: ModelPrecision.Fp32);
        using var int8 = FaceDetector.Load(detectorFolder, precision: ModelPrecision.Integer8);
        var (fp32Locator, int8Locator) = (new FaceLocator(FaceFinding.Detect, fp32), new FaceLocator(FaceFinding.Detect, int8));
        var results = new List<PhotoBoxParity>();
        foreach (var photo in photos)
        {
            using var image = EncodedImage.Open(File.ReadAllBytes(photo), new ImageLimits());
            var reduced = image.Decode(FaceLocator.DetectionLongSide);
            var expected = fp32Locator.Detect(reduced, image.Width, image.Height);
            var actual = int8Locator.Detect(reduced, image.Width, image.Height).ToList();
            var int8Faces = actual.Count;
            var pairs = new List<(double Iou, double ScoreDifference)>();
            foreach (var face in expected)
            {
                var best = actual.Select(other => (Face: other, Iou: Iou(face, other))).Where(p => p.Iou >= 0.5).OrderByDescending(p => p.Iou).FirstOrDefault();
                if (best.Face is not null)
                {
                    actual.Remove(best.Face);
                    pairs.Add((best.Iou, Math.Abs(best.Face.Score - face.Score)));
                }
            }

            results.Add(new PhotoBoxParity(Path.GetFileName(photo), expected.Count, int8Faces, pairs.Count,
                pairs.Count > 0 ? pairs.Min(p => p.Iou) : 0, pairs.Count > 0 ? pairs.Average(p => p.Iou) : 0, pairs.Count > 0 ? pairs.Max(p => p.ScoreDifference) : 0));
        }

        return results;
    }

    private static double Iou(DetectedFace a, DetectedFace b)
    {
        var width = Math.Min(a.X + a.Width, b.X + b.Width) - Math.Max(a.X, b.X);
        var height = Math.Min(a.Y + a.Height, b.Y + b.Height) - Math.Max(a.Y, b.Y);
        var intersection = Math.Max(0, width) * Math.Max(0, height);
        return intersection / ((a.Width * a.Height) + (b.Width * b.Height) - intersection);
    }
}
