using Fer.Inference.FaceDetection;
using Fer.Inference.Models;

namespace Fer.Training.Cli;

/// <summary>
/// A change to how photos' faces reach the model (<c>--crop-margin</c>, <c>--crop-shift</c>, <c>--native-size</c>):
/// tried by <c>evaluate --photos</c>, declared in the manifest by <c>calibrate</c>. What is not given keeps the manifest's.
/// </summary>
internal sealed record PhotoInputOverride(double? CropMargin, double? CropShift, int? NativeSize)
{
    public bool ChangesCrop => (CropMargin ?? CropShift) is not null;

    public bool IsEmpty => !ChangesCrop && NativeSize is null;

    /// <summary>The input with the given parts replaced; a native size of 0 removes the manifest's.</summary>
    public ModelInput Apply(ModelInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input with
        {
            Crop = !ChangesCrop ? input.Crop : new FaceCropGeometry
            {
                Margin = CropMargin ?? input.CropGeometry.Margin,
                ShiftY = CropShift ?? input.CropGeometry.ShiftY,
            },
            NativeSize = NativeSize is 0 ? null : NativeSize ?? input.NativeSize,
        };
    }
}
