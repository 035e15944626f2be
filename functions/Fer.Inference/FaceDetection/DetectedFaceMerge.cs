namespace Fer.Inference.FaceDetection;

/// <summary>
/// Merges faces found by several detector passes over one image (whole image and tiles) with face-api's NMS, so
/// a face seen by two passes is kept once, with its best-scoring box.
/// </summary>
public static class DetectedFaceMerge
{
    /// <returns>The kept faces, best score first.</returns>
    public static IReadOnlyList<DetectedFace> Merge(IReadOnlyList<DetectedFace> faces, int maxResults, double iouThreshold)
    {
        ArgumentNullException.ThrowIfNull(faces);
        var boxes = new float[faces.Count * 4];
        var scores = new float[faces.Count];
        for (var i = 0; i < faces.Count; i++)
        {
            var face = faces[i];
            (boxes[i * 4], boxes[(i * 4) + 1], boxes[(i * 4) + 2], boxes[(i * 4) + 3]) =
                ((float)face.Y, (float)face.X, (float)(face.Y + face.Height), (float)(face.X + face.Width));
            scores[i] = (float)face.Score;
        }

        // Every face here already passed the detector's score threshold.
        return [.. FaceApiNonMaxSuppression.Select(boxes, scores, maxResults, iouThreshold, scoreThreshold: -1).Select(i => faces[i])];
    }
}
