using Fer.Inference.FaceDetection;
using Fer.Inference.Models;
using Fer.Testing;

namespace Fer.Inference.Tests;

/// <summary>
/// The detector's tiles follow from the photo's size and the smallest face that matters; unset, the rule that finds
/// every face of the sample photos.
/// </summary>
public sealed class TilePlanTests
{
    [Fact]
    public void The_group_photo_gets_eight_tiles_of_a_third_of_its_copy()
    {
        // group_10mpx: 4844x2022, its detector copy the 2/8 JPEG decode.
        var plan = TilePlan.For(1211, 506, 4844, 2022);

        Assert.Equal((404, 101, 8), (plan.Side, plan.Overlap, plan.Tiles.Count));
        Assert.All(plan.Tiles, tile => Assert.True(tile.Right <= 1211 && tile.Bottom <= 506 && tile.Width == 404 && tile.Height == 404));
        Assert.Equal(1211, plan.Tiles.Max(tile => tile.Right)); // the last column reaches the edge
    }

    [Theory]
    [InlineData(900, 1125, 2400, 3000)] // biden_7mpx
    [InlineData(640, 427, 640, 427)] // obama_family
    public void Portraits_and_small_photos_get_none(int width, int height, int fullWidth, int fullHeight) =>
        Assert.Empty(TilePlan.For(width, height, fullWidth, fullHeight).Tiles);

    [Theory]
    [InlineData(250, 0)] // seen at 26 px by the whole-image pass: no tiles
    [InlineData(100, 6)] // two rows of three tiles of 492 px (faces at 26 px)
    [InlineData(80, 8)] // the group's own faces: tiles of 393 px
    [InlineData(10, 24)] // tiles no smaller than a sixth of the longer side, however small the faces
    public void A_smallest_face_sets_the_tiles(int minFaceSide, int tiles)
    {
        var plan = TilePlan.For(1211, 506, 4844, 2022, minFaceSide);

        Assert.Equal(tiles, plan.Tiles.Count);
        if (tiles > 0)
        {
            // A face of that size reaches the detector's reliable size in a tile, unless the tiles' floor stops them.
            var inTile = minFaceSide / 4.0 * TilePlan.DetectorSide / plan.Side;
            Assert.True(inTile >= TilePlan.SmallestReliableFace || plan.Side == 202, $"{inTile:F1} px at the detector's input");
        }
    }

    [Fact]
    public void A_portrait_searched_for_small_faces_is_tiled()
    {
        var plan = TilePlan.For(900, 1125, 2400, 3000, minFaceSide: 100);

        Assert.Equal(738, plan.Side); // 100 px faces are 37.5 px in the copy: 26 px of the detector's 512
        Assert.Equal(4, plan.Tiles.Count);
    }

    [Fact]
    public void The_smallest_face_is_checked() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaceLocator(FaceFinding.Detect, null!, minFaceSide: 0));
}
