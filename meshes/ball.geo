// Unit ball (radius 1, centred at the origin), all-hexahedral mesh.
//
// Block structure ("cube-sphere"): an inner cube [-s,s]^3 surrounded by six
// shell blocks, each bounded by one face of the inner cube, one spherical
// patch of the unit sphere and four flat radial faces.  All seven blocks are
// transfinite volumes and are recombined, so every cell is a hexahedron.
//
//   Physical Volume  1 : the whole ball          -> material id 1
//   Physical Surface 0 : the whole sphere        -> boundary id 0
//
// Regenerate:  gmsh -3 ball.geo -format msh22 -o ball.msh

R = 1.0;        // ball radius
s = 0.35;       // half side length of the inner cube
n = 4;          // nodes per block edge (n-1 cells per edge)

c = R / Sqrt(3);

// inner cube corners (x,y,z signs in comments)
Point(1) = {-1*s, -1*s, -1*s}; // ---
Point(2) = { 1*s, -1*s, -1*s}; // +--
Point(3) = {-1*s,  1*s, -1*s}; // -+-
Point(4) = { 1*s,  1*s, -1*s}; // ++-
Point(5) = {-1*s, -1*s,  1*s}; // --+
Point(6) = { 1*s, -1*s,  1*s}; // +-+
Point(7) = {-1*s,  1*s,  1*s}; // -++
Point(8) = { 1*s,  1*s,  1*s}; // +++
// matching points on the sphere
Point(11) = {-1*c, -1*c, -1*c}; // ---
Point(12) = { 1*c, -1*c, -1*c}; // +--
Point(13) = {-1*c,  1*c, -1*c}; // -+-
Point(14) = { 1*c,  1*c, -1*c}; // ++-
Point(15) = {-1*c, -1*c,  1*c}; // --+
Point(16) = { 1*c, -1*c,  1*c}; // +-+
Point(17) = {-1*c,  1*c,  1*c}; // -++
Point(18) = { 1*c,  1*c,  1*c}; // +++
Point(100) = {0, 0, 0};  // centre

// edges of the inner cube (tags 1-12), great-circle arcs on the sphere
// (tags 21-32) and radial spokes (tags 41-48)
Line(1)   = {1, 2};
Line(2)   = {1, 3};
Line(3)   = {1, 5};
Line(4)   = {2, 4};
Line(5)   = {2, 6};
Line(6)   = {3, 4};
Line(7)   = {3, 7};
Line(8)   = {4, 8};
Line(9)   = {5, 6};
Line(10)   = {5, 7};
Line(11)   = {6, 8};
Line(12)   = {7, 8};
Circle(21) = {11, 100, 12};
Circle(22) = {11, 100, 13};
Circle(23) = {11, 100, 15};
Circle(24) = {12, 100, 14};
Circle(25) = {12, 100, 16};
Circle(26) = {13, 100, 14};
Circle(27) = {13, 100, 17};
Circle(28) = {14, 100, 18};
Circle(29) = {15, 100, 16};
Circle(30) = {15, 100, 17};
Circle(31) = {16, 100, 18};
Circle(32) = {17, 100, 18};
Line(41)   = {1, 11};
Line(42)   = {2, 12};
Line(43)   = {3, 13};
Line(44)   = {4, 14};
Line(45)   = {5, 15};
Line(46)   = {6, 16};
Line(47)   = {7, 17};
Line(48)   = {8, 18};

// faces of the inner cube (tags 101-106) and spherical patches (111-116)
Curve Loop(101) = {2, 7, -10, -3};  // -x face
Plane Surface(101) = {101};
Curve Loop(102) = {4, 8, -11, -5};  // +x face
Plane Surface(102) = {102};
Curve Loop(103) = {1, 5, -9, -3};  // -y face
Plane Surface(103) = {103};
Curve Loop(104) = {6, 8, -12, -7};  // +y face
Plane Surface(104) = {104};
Curve Loop(105) = {1, 4, -6, -2};  // -z face
Plane Surface(105) = {105};
Curve Loop(106) = {9, 11, -12, -10};  // +z face
Plane Surface(106) = {106};
Curve Loop(111) = {22, 27, -30, -23};
Surface(111) = {111} In Sphere {100};
Curve Loop(112) = {24, 28, -31, -25};
Surface(112) = {112} In Sphere {100};
Curve Loop(113) = {21, 25, -29, -23};
Surface(113) = {113} In Sphere {100};
Curve Loop(114) = {26, 28, -32, -27};
Surface(114) = {114} In Sphere {100};
Curve Loop(115) = {21, 24, -26, -22};
Surface(115) = {115} In Sphere {100};
Curve Loop(116) = {29, 31, -32, -30};
Surface(116) = {116} In Sphere {100};

// radial faces, one per cube edge (tags 121-132)
Curve Loop(121) = {1, 42, -21, -41};
Plane Surface(121) = {121};
Curve Loop(122) = {2, 43, -22, -41};
Plane Surface(122) = {122};
Curve Loop(123) = {3, 45, -23, -41};
Plane Surface(123) = {123};
Curve Loop(124) = {4, 44, -24, -42};
Plane Surface(124) = {124};
Curve Loop(125) = {5, 46, -25, -42};
Plane Surface(125) = {125};
Curve Loop(126) = {6, 44, -26, -43};
Plane Surface(126) = {126};
Curve Loop(127) = {7, 47, -27, -43};
Plane Surface(127) = {127};
Curve Loop(128) = {8, 48, -28, -44};
Plane Surface(128) = {128};
Curve Loop(129) = {9, 46, -29, -45};
Plane Surface(129) = {129};
Curve Loop(130) = {10, 47, -30, -45};
Plane Surface(130) = {130};
Curve Loop(131) = {11, 48, -31, -46};
Plane Surface(131) = {131};
Curve Loop(132) = {12, 48, -32, -47};
Plane Surface(132) = {132};

// volumes: the inner cube (1) and six shell blocks (2-7)
Surface Loop(1) = {101:106};
Volume(1) = {1};
Surface Loop(2) = {101, 111, 122, 127, 130, 123};  // -x block
Volume(2) = {2};
Surface Loop(3) = {102, 112, 124, 128, 131, 125};  // +x block
Volume(3) = {3};
Surface Loop(4) = {103, 113, 121, 125, 129, 123};  // -y block
Volume(4) = {4};
Surface Loop(5) = {104, 114, 126, 128, 132, 127};  // +y block
Volume(5) = {5};
Surface Loop(6) = {105, 115, 121, 124, 126, 122};  // -z block
Volume(6) = {6};
Surface Loop(7) = {106, 116, 129, 131, 132, 130};  // +z block
Volume(7) = {7};

Transfinite Curve {1:12, 21:32, 41:48} = n;
Transfinite Surface {101:106, 111:116, 121:132};
Recombine Surface {101:106, 111:116, 121:132};
Transfinite Volume {1:7};
Recombine Volume {1:7};

Physical Volume("domain", 1) = {1:7};
// NB: gmsh treats a tag of 0 in the named form Physical Surface("name", 0)
// as "choose a tag automatically", so the boundary group is left unnamed.
Physical Surface(0) = {111:116};

Mesh.MshFileVersion = 2.2;
Mesh.Binary = 0;
Mesh.SaveAll = 0;
