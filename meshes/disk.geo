// Unit disk (radius 1, centred at the origin), all-quadrilateral mesh.
//
// Block structure ("O-grid"): an inner square plus four curved outer
// blocks, each meshed as a transfinite (structured) patch and recombined
// into quadrilaterals.
//
//   Physical Surface 1 : the whole disk            -> material id 1
//   Physical Curve   0 : the whole circular rim    -> boundary id 0
//
// Regenerate:  gmsh -2 disk.geo -format msh22 -o disk.msh

R = 1.0;        // disk radius
s = 0.4;        // half side length of the inner square
n = 6;          // nodes per block edge (n-1 cells per edge)

c = R / Sqrt(2);

Point(1) = {0, 0, 0};           // centre (only used for the arcs)

// corners of the inner square
Point(2) = { s,  s, 0};
Point(3) = {-s,  s, 0};
Point(4) = {-s, -s, 0};
Point(5) = { s, -s, 0};

// points on the circle at 45, 135, 225, 315 degrees
Point(6) = { c,  c, 0};
Point(7) = {-c,  c, 0};
Point(8) = {-c, -c, 0};
Point(9) = { c, -c, 0};

// inner square edges
Line(1) = {2, 3};
Line(2) = {3, 4};
Line(3) = {4, 5};
Line(4) = {5, 2};

// circular rim
Circle(5) = {6, 1, 7};
Circle(6) = {7, 1, 8};
Circle(7) = {8, 1, 9};
Circle(8) = {9, 1, 6};

// radial spokes
Line(9)  = {2, 6};
Line(10) = {3, 7};
Line(11) = {4, 8};
Line(12) = {5, 9};

// all loops are counter-clockwise so that every cell has positive area
Curve Loop(1) = {1, 2, 3, 4};          // inner square
Curve Loop(2) = {9, 5, -10, -1};       // top block
Curve Loop(3) = {10, 6, -11, -2};      // left block
Curve Loop(4) = {11, 7, -12, -3};      // bottom block
Curve Loop(5) = {12, 8, -9, -4};       // right block

Plane Surface(1) = {1};
Plane Surface(2) = {2};
Plane Surface(3) = {3};
Plane Surface(4) = {4};
Plane Surface(5) = {5};

Transfinite Curve {1:12} = n;
Transfinite Surface {1:5};
Recombine Surface {1:5};

Physical Surface("domain", 1) = {1:5};
// NB: gmsh treats a tag of 0 in the named form Physical Curve("name", 0)
// as "choose a tag automatically", so the boundary group is left unnamed.
Physical Curve(0) = {5:8};

Mesh.MshFileVersion = 2.2;
Mesh.Binary = 0;
Mesh.SaveAll = 0;
